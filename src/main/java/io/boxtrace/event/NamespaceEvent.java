package io.boxtrace.event;

import java.util.List;

/**
 * A namespace operation: a task created namespaces (unshare, clone with CLONE_NEW*), joined one
 * (setns), or switched its root (pivot_root, chroot).
 *
 * @param op         which operation
 * @param namespaces the namespace kinds involved (unshare/clone: created; setns: joined), in
 *                   {@link Namespace} order; empty for pivot_root and chroot
 * @param path       pivot_root: the new root; chroot: the path; else null
 * @param path2      pivot_root: put_old; else null
 * @param inode      setns: the inode of the namespace joined, when known; else 0
 * @param result     the syscall's return value: 0 or a negative errno
 */
public record NamespaceEvent(long timeNs, Task task, Op op, List<Namespace> namespaces, String path,
                             String path2, long inode, long flags, int result) implements Event {

    public NamespaceEvent {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    }

    public enum Op {
        UNSHARE, SETNS, CLONE, PIVOT_ROOT, CHROOT;

        /** The name used in JSON ({@code "unshare"}, {@code "pivot_root"}, ...). */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public String type() {
        return "namespace";
    }
}
