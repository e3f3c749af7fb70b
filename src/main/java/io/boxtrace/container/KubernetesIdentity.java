package io.boxtrace.container;

import io.boxtrace.event.ContainerInfo;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes identity of a container, as carried in {@link ContainerInfo#labels()} under the
 * keys kubelet itself uses for container labels (CRI-O and cri-dockerd set them; boxtrace fills them
 * from containerd's CRI annotations and the kubepods cgroup path). Immutable.
 *
 * @param namespace the pod's namespace, or null
 * @param pod       the pod's name, or null
 * @param podUid    the pod's uid, or null
 * @param container the container's name in the pod spec, or null
 */
public record KubernetesIdentity(String namespace, String pod, String podUid, String container) {

    public static final String NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String POD = "io.kubernetes.pod.name";
    public static final String POD_UID = "io.kubernetes.pod.uid";
    public static final String CONTAINER = "io.kubernetes.container.name";

    /** The identity in c's labels (or its enclosing container's), if it has any part of one. */
    public static Optional<KubernetesIdentity> of(ContainerInfo c) {
        for (ContainerInfo x = c; x != null; x = x.parent()) {
            Map<String, String> l = x.labels();
            if (l.containsKey(POD) || l.containsKey(POD_UID) || l.containsKey(NAMESPACE)) {
                return Optional.of(new KubernetesIdentity(l.get(NAMESPACE), l.get(POD), l.get(POD_UID), l.get(CONTAINER)));
            }
        }
        return Optional.empty();
    }

    /**
     * The pod as a person names it, {@code namespace/pod} (the parts known; the uid when the name is
     * not), or empty: a container's own name ("nginx") is shared by many pods. Raw text: escape it.
     */
    public static Optional<String> podText(ContainerInfo c) {
        return of(c).map(k -> k.pod() != null ? (k.namespace() != null ? k.namespace() + "/" : "") + k.pod()
                        : k.podUid() != null ? "uid " + k.podUid() : k.namespace() != null ? k.namespace() + "/?" : null);
    }
}
