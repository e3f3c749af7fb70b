package io.boxtrace.event;

import java.util.Map;

/**
 * A container as boxtrace knows it. The id always exists (derived from the cgroup path or, failing
 * that, the pid-namespace inode); name and image are filled from the runtime when it can be asked.
 *
 * @param id        the full container id (64 hex for Docker/containerd/Podman, else the runtime's
 *                  own id, else {@code "pidns-<inode>"})
 * @param name      the human name, or null when the runtime could not be asked
 * @param image     the image reference, or null
 * @param runtime   {@code docker}, {@code podman}, {@code containerd}, {@code buildkit}, {@code crio},
 *                  {@code kubernetes}, {@code runc}, {@code crun}, {@code unknown}
 * @param labels    runtime labels (compose project, pod name, ...), possibly empty
 * @param parent    the enclosing container for nested containers, or null
 * @param cgroup    the cgroup path the id was found in, or null
 */
public record ContainerInfo(String id, String name, String image, String runtime, Map<String, String> labels,
                            ContainerInfo parent, String cgroup) {

    public ContainerInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The first 12 characters of the id, as docker ps shows it. */
    public String shortId() {
        return id.length() > 12 && id.chars().allMatch(c -> Character.digit(c, 16) >= 0) ? id.substring(0, 12) : id;
    }

    /** The name if known, else the short id. */
    public String displayName() {
        return name != null ? name : shortId();
    }

    /** True when selector is this container's name or a prefix of its id. */
    public boolean matches(String selector) {
        return selector.equals(name) || selector.equals(displayName()) || id.startsWith(selector)
                || (name != null && name.equals(selector.startsWith("/") ? selector.substring(1) : selector));
    }
}
