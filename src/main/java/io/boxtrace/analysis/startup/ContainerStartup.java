package io.boxtrace.analysis.startup;

import io.boxtrace.event.ContainerInfo;
import java.util.List;

/**
 * One container start seen by {@link ContainerStartupWatch}, bounded by kernel events. Times are
 * CLOCK_MONOTONIC ns. Immutable.
 *
 * @param container      the container as attributed when its first process appeared
 * @param runtimeNs      the first exec of a runtime process (runc, crun, shim, conmon) whose argv named
 *                       the container's id, or 0 when none was seen (the start-up then begins at
 *                       {@code firstProcessNs})
 * @param firstProcessNs the first process seen in the container (its {@code container_start})
 * @param firstExecNs    the first successful exec of a program in the container (the user's program)
 * @param program        that program's argv
 */
public record ContainerStartup(ContainerInfo container, long runtimeNs, long firstProcessNs, long firstExecNs,
                               List<String> program) {

    public ContainerStartup {
        program = List.copyOf(program);
    }

    /** Where the start-up begins: the runtime's exec when seen, else the first process. */
    public long startNs() {
        return runtimeNs != 0 ? runtimeNs : firstProcessNs;
    }

    public long totalNs() {
        return firstExecNs - startNs();
    }

    /** Runtime exec → the container's first process (create, cgroup and namespace set-up); 0 when unknown. */
    public long runtimeCreateNs() {
        return runtimeNs != 0 ? firstProcessNs - runtimeNs : 0;
    }

    /** The container's first process → the exec of the user's program (rootfs switch, init). */
    public long initNs() {
        return firstExecNs - firstProcessNs;
    }
}
