package io.boxtrace.container;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes identity without the API server: the CRI plugins write the pod's name, namespace and
 * uid and the container's name into the OCI bundle's {@code config.json} annotations, which stay on
 * the node while the container exists. containerd keeps bundles under
 * {@code /run/containerd/io.containerd.runtime.v2.task/<namespace>/<id>/} (kubelet's namespace is
 * {@code k8s.io}; other namespaces are containerd's own users, such as {@code ctr}); CRI-O under
 * {@code /run/containers/storage/overlay-containers/<id>/userdata/}. The result uses kubelet's label
 * keys ({@link KubernetesIdentity}), so every output reads one place.
 *
 * <p>Everything read is bounded: config.json is read up to {@link #MAX_CONFIG_BYTES}, annotations
 * keep at most {@link #MAX_ANNOTATIONS} entries of at most {@link #MAX_VALUE_CHARS} characters. A
 * missing or unreadable bundle is no answer, never an error. Stateless; safe from any thread.
 */
public final class CriAnnotations {

    static final long MAX_CONFIG_BYTES = 4 << 20;
    static final int MAX_ANNOTATIONS = 256;
    static final int MAX_VALUE_CHARS = 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private final Path containerdTasks;
    private final Path crioContainers;

    public CriAnnotations(Path containerdTasks, Path crioContainers) {
        this.containerdTasks = containerdTasks;
        this.crioContainers = crioContainers;
    }

    public static CriAnnotations host() {
        return new CriAnnotations(Path.of("/run/containerd/io.containerd.runtime.v2.task"),
                Path.of("/run/containers/storage/overlay-containers"));
    }

    /** Name, image and Kubernetes labels of the container with this id, if a CRI bundle names it. */
    public Optional<ContainerMeta> lookup(String id) {
        if (id.isEmpty() || id.contains("/") || id.startsWith(".")) {
            return Optional.empty();
        }
        for (Path config : candidates(id)) {
            Map<String, String> a = annotations(config);
            Optional<ContainerMeta> m = fromAnnotations(id, a, config.startsWith(containerdTasks)
                    ? containerdTasks.relativize(config).getName(0).toString() : null);
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    private List<Path> candidates(String id) {
        List<Path> out = new java.util.ArrayList<>();
        Path k8s = containerdTasks.resolve("k8s.io").resolve(id).resolve("config.json");
        if (Files.isRegularFile(k8s)) {
            out.add(k8s);
        }
        try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(containerdTasks)) {
            for (Path ns : namespaces) {
                Path c = ns.resolve(id).resolve("config.json");
                if (!ns.getFileName().toString().equals("k8s.io") && Files.isRegularFile(c)) {
                    out.add(c);
                }
            }
        } catch (IOException | SecurityException e) {
            // no containerd on this host
        }
        Path crio = crioContainers.resolve(id).resolve("userdata").resolve("config.json");
        if (Files.isRegularFile(crio)) {
            out.add(crio);
        }
        return out;
    }

    /**
     * containerd CRI: {@code io.kubernetes.cri.*}; CRI-O: kubelet's own keys plus {@code io.kubernetes.cri-o.*}.
     * A containerd container without CRI annotations (run with {@code ctr}) is named by its id in its
     * namespace, so it is no longer anonymous.
     */
    static Optional<ContainerMeta> fromAnnotations(String id, Map<String, String> a, String containerdNamespace) {
        Map<String, String> labels = new HashMap<>();
        String pod = first(a, "io.kubernetes.cri.sandbox-name", KubernetesIdentity.POD);
        String ns = first(a, "io.kubernetes.cri.sandbox-namespace", KubernetesIdentity.NAMESPACE);
        String uid = first(a, "io.kubernetes.cri.sandbox-uid", KubernetesIdentity.POD_UID);
        String container = first(a, "io.kubernetes.cri.container-name", KubernetesIdentity.CONTAINER);
        String image = first(a, "io.kubernetes.cri.image-name", "io.kubernetes.cri-o.ImageName");
        String type = first(a, "io.kubernetes.cri.container-type", "io.kubernetes.cri-o.ContainerType");
        putIf(labels, KubernetesIdentity.POD, pod);
        putIf(labels, KubernetesIdentity.NAMESPACE, ns);
        putIf(labels, KubernetesIdentity.POD_UID, uid);
        putIf(labels, KubernetesIdentity.CONTAINER, container);
        if (containerdNamespace != null) {
            labels.put("io.containerd.namespace", containerdNamespace);
        }
        if (pod == null && container == null) {
            if (containerdNamespace == null) {
                return Optional.empty();
            }
            return Optional.of(new ContainerMeta(id, id, null, labels));
        }
        // A pod's sandbox (pause) container has no container name: name it after its pod.
        String name = container != null ? container : "sandbox".equals(type) ? pod + "/sandbox" : pod;
        return Optional.of(new ContainerMeta(id, name, image, labels));
    }

    private static String first(Map<String, String> a, String k1, String k2) {
        String v = a.get(k1);
        return v != null && !v.isEmpty() ? v : a.get(k2) != null && !a.get(k2).isEmpty() ? a.get(k2) : null;
    }

    private static void putIf(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    /** The top-level {@code annotations} object of an OCI config.json, bounded; empty when unreadable. */
    static Map<String, String> annotations(Path config) {
        try {
            if (Files.size(config) > MAX_CONFIG_BYTES) {
                return Map.of();
            }
            try (InputStream in = Files.newInputStream(config)) {
                return annotations(in);
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    static Map<String, String> annotations(InputStream in) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Map.of();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("annotations") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonToken v = p.nextToken();
                        if (v == JsonToken.VALUE_STRING && out.size() < MAX_ANNOTATIONS && key.length() <= MAX_VALUE_CHARS) {
                            String text = p.getText();
                            out.put(key, text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS) : text);
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return out;
    }
}
