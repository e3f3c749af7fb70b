package io.boxtrace.analysis.timeline;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ProcessKey;
import java.util.ArrayList;
import java.util.List;

/**
 * One slice on the timeline: usually a process's lifetime (filled in by {@link TimelineBuilder} as
 * its events arrive, or converted from a report by {@link BuildTimeline} and {@link StartupTimeline}),
 * else a named interval that is no process (a build step, its container set-up, a start-up phase:
 * {@link #key} null, {@link #name} and {@link #detail} set). Placed by {@link LaneLayout}. Mutable
 * while building, read-only once in a {@link Timeline}; owned by one thread.
 */
public final class Span {

    /** Instants kept per process; a process that execs or unshares more often than this gets a counter instead. */
    static final int MAX_MARKS = 64;

    /** The process, or null for a slice that is no process. */
    public final ProcessKey key;
    public ProcessKey parentKey;
    /** The parent's slice, resolved before layout; null for a root. */
    public Span parent;
    /** The label of a slice that is no process (a process's label comes from its argv or comm). */
    public String name;
    /** The slice's category in trace viewers: {@code process}, {@code build}, {@code phase}. */
    public String category = "process";
    /** Key/value pairs describing a slice that is no process, in order. */
    public List<String[]> detail = List.of();
    public int ppid;
    public int nsPid;
    public String comm;
    public String exe;
    public List<String> args = List.of();
    public ContainerInfo container;
    /** Start on the timeline (clamped to the recording start) and the real start. */
    public long startNs;
    public long realStartNs;
    /** Exit time, or 0 while running (the slice then ends with the recording). */
    public long exitNs;
    public int exitCode = -1;
    public int signal;
    public boolean fromSnapshot;
    /** It exec'd during the recording: its argv is its own, not inherited from the parent at fork. */
    public boolean execd;
    public boolean kernelThread;
    /** Anything but the snapshot happened to it. */
    public boolean active;
    public int threads;
    public final List<Mark> marks = new ArrayList<>();
    public int marksDropped;

    // placement, set by LaneLayout
    public int track = -1;
    public int lane = -1;
    public int depth;
    /** True when the slice sits directly under its parent's slice (no flow arrow needed). */
    public boolean nestedUnderParent;

    Span(ProcessKey key) {
        this.key = key;
    }

    /** The host pid, 0 for a slice that is no process. */
    public int pid() {
        return key == null ? 0 : key.pid();
    }

    public boolean isProcess() {
        return key != null;
    }

    /**
     * The slice label: the command line when it is the process's own (it exec'd, or /proc said so),
     * else the task name: a forked child that never execs (a subshell, a busybox applet run in the
     * child) still carries its parent's argv, which would name it after the parent.
     */
    public String label() {
        if (name != null) {
            return name;
        }
        if (!args.isEmpty() && (execd || fromSnapshot)) {
            String s = String.join(" ", args);
            return s.length() > 120 ? s.substring(0, 117) + "..." : s;
        }
        return comm != null ? comm : "pid " + pid();
    }

    public long endNs(long recordingEnd) {
        return exitNs != 0 ? Math.max(exitNs, startNs) : Math.max(recordingEnd, startNs);
    }

    void mark(Mark m) {
        if (marks.size() < MAX_MARKS) {
            marks.add(m);
        } else {
            marksDropped++;
        }
    }

    /**
     * Something that happened at one instant in a process: exec (successful or not), a namespace
     * operation, a rename, an id change.
     *
     * @param kind   {@code exec}, {@code exec_failed}, {@code namespace}, {@code comm}, {@code id_change}
     * @param name   the short label
     * @param detail key/value pairs for the slice args, in order
     */
    public record Mark(long timeNs, String kind, String name, List<String[]> detail) {
    }
}
