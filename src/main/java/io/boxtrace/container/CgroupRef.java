package io.boxtrace.container;

/**
 * What a cgroup path says about the container a process is in.
 *
 * @param runtime   docker, podman, buildkit, containerd, crio, kubernetes, lxc, or unknown
 * @param id        the container id as the runtime knows it
 * @param podUid    the Kubernetes pod uid when the path names one, else null
 * @param namespace the containerd namespace when the path names one, else null
 * @param parent    the enclosing container when the path nests one inside another, else null
 */
public record CgroupRef(String runtime, String id, String podUid, String namespace, CgroupRef parent) {

    public CgroupRef withParent(CgroupRef p) {
        return new CgroupRef(runtime, id, podUid, namespace, p);
    }
}
