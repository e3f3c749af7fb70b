package io.boxtrace.analysis.build;

import io.boxtrace.event.ProcessKey;
import java.util.ArrayList;
import java.util.List;

/**
 * What the analysis saw of one process in a build container: its fork, each program image it
 * exec'd there, its exit. Mutable; owned by the pipeline thread until the analysis is read.
 */
final class TracedProcess {

    /**
     * One program image: from its exec until the next exec or the exit.
     *
     * @param fromProc true when the argv was read from /proc after the event (proc connector), so it
     *                 may belong to a later exec of the same process
     */
    record Image(long timeNs, List<String> args, boolean argvLost, String comm, boolean fromProc) {
    }

    final ProcessKey key;
    final int parentPid;
    final ProcessKey parentKey;
    final String containerId;
    /** True when the fork happened inside the container (its parent is traced there too). */
    final boolean forkedInside;
    final List<Image> images = new ArrayList<>();
    /** The latest task name (exit, prctl): names a child that never exec'd (busybox runs NOEXEC applets such as ls in a fork). */
    String lastComm;
    long exitNs;
    int exitCode = -1;
    int signal;
    /** What the process cost, from its exit event; null while running or when the source could not tell. */
    io.boxtrace.event.ProcessResources resources;

    TracedProcess(ProcessKey key, int parentPid, ProcessKey parentKey, String containerId, boolean forkedInside) {
        this.key = key;
        this.parentPid = parentPid;
        this.parentKey = parentKey;
        this.containerId = containerId;
        this.forkedInside = forkedInside;
    }

    /** When the process started doing the container's work: its fork if inside, else its first exec there. */
    long startNs() {
        if (forkedInside || images.isEmpty()) {
            return key.startNs();
        }
        return images.getFirst().timeNs();
    }
}
