package io.boxtrace.container;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * containerd's own state, for containers it runs directly (ctr, nerdctl, a CRI client) rather than
 * under Docker. Its cgroup path ({@code /<namespace>/<id>} with the default cgroupfs layout) is
 * ambiguous alone; what makes it containerd's is the task's bundle directory
 * {@code /run/containerd/io.containerd.runtime.v2.task/<namespace>/<id>}, which exists exactly while
 * the task does. The image and labels come from the metadata database (read-only, without the
 * daemon's lock: see {@link BoltFile}), the cheapest reliable read measured here: no gRPC client,
 * no subprocess. A nerdctl container's name is its {@code nerdctl/name} label; CRI's are
 * {@code io.kubernetes.cri.container-name}; ctr's containers have only their id.
 *
 * <p>Not thread-safe (pipeline thread).
 */
public final class ContainerdState {

    static final String NAME_LABEL_NERDCTL = "nerdctl/name";
    static final String NAME_LABEL_CRI = "io.kubernetes.container.name";
    private static final int MAX_LABELS = 64;

    private final Path taskRoot;
    private final Path metaDb;

    public ContainerdState(Path taskRoot, Path metaDb) {
        this.taskRoot = taskRoot;
        this.metaDb = metaDb;
    }

    public static ContainerdState host() {
        return new ContainerdState(Path.of("/run/containerd/io.containerd.runtime.v2.task"),
                Path.of("/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db"));
    }

    /**
     * The containerd container a cgroup path names, when its last two components are a namespace
     * and an id that containerd has a live task for.
     */
    public Optional<CgroupRef> fromCgroup(String cgroup) {
        if (cgroup == null) {
            return Optional.empty();
        }
        String[] parts = cgroup.split("/");
        if (parts.length < 3) {
            return Optional.empty();
        }
        String ns = parts[parts.length - 2];
        String id = parts[parts.length - 1];
        if (!safe(ns) || !safe(id) || !Files.isDirectory(taskRoot.resolve(ns).resolve(id))) {
            return Optional.empty();
        }
        return Optional.of(new CgroupRef("containerd", id, null, ns, null));
    }

    /** Image, labels and name (from its labels, else its id) of a container in a namespace. */
    public Optional<ContainerMeta> lookup(String namespace, String id) {
        if (!safe(namespace) || !safe(id)) {
            return Optional.empty();
        }
        Optional<BoltFile> db = BoltFile.open(metaDb);
        if (db.isEmpty()) {
            return Optional.of(new ContainerMeta(id, id, null, Map.of("containerd.namespace", namespace)));
        }
        String image = db.get().get("v1", namespace, "containers", id, "image")
                .map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
        Map<String, String> labels = new HashMap<>(db.get().entries(MAX_LABELS, "v1", namespace, "containers", id, "labels"));
        labels.put("containerd.namespace", namespace);
        String name = labels.getOrDefault(NAME_LABEL_NERDCTL, labels.getOrDefault(NAME_LABEL_CRI, id));
        return Optional.of(new ContainerMeta(id, name, image, labels));
    }

    /** A path component as containerd allows it: no traversal out of its directories. */
    private static boolean safe(String s) {
        return !s.isEmpty() && s.length() <= 255 && !s.equals(".") && !s.equals("..") && s.indexOf('/') < 0;
    }
}
