package io.boxtrace.container;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The container a process belongs to, told by the runtime process that serves it, for a process
 * gone before its cgroup could be read and a source that gives no cgroup id (audit, proc
 * connector): a container's first process and its {@code exec}'d processes are children of their
 * container's shim, which names exactly one container in its argv. Only runtimes with one
 * serving process per container are believed: Docker's {@code containerd-shim-runc-v2 -namespace moby
 * -id ID} and Podman's {@code conmon … -c ID … --exit-command … podman}. containerd in Kubernetes
 * groups a pod under one shim named by its sandbox, so it is never believed. The caller checks that
 * the serving process is on the host (in no container), so a container cannot forge one.
 * Stateless.
 */
final class ServingRuntime {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    private ServingRuntime() {
    }

    /** The container a host process with this comm and argv serves, or empty. */
    static Optional<CgroupRef> servedBy(String comm, List<String> args) {
        if (args == null || args.isEmpty()) {
            return Optional.empty();
        }
        String program = ContainerRuntime.baseName(args.getFirst());
        if ((program.startsWith("containerd-shim") || (comm != null && comm.startsWith("containerd-shim")))
                && "moby".equals(after(args, "-namespace"))) {
            return id(after(args, "-id")).map(id -> new CgroupRef(ContainerRuntime.DOCKER.id(), id, null, null, null));
        }
        if ((program.equals("conmon") || "conmon".equals(comm)) && args.stream().anyMatch(a -> a.endsWith("/podman"))) {
            String id = after(args, "-c");
            return id(id != null ? id : after(args, "--cid"))
                    .map(i -> new CgroupRef(ContainerRuntime.PODMAN.id(), i, null, null, null));
        }
        return Optional.empty();
    }

    private static String after(List<String> args, String flag) {
        int i = args.indexOf(flag);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }

    private static Optional<String> id(String s) {
        return s != null && ID.matcher(s).matches() ? Optional.of(s) : Optional.empty();
    }
}
