package io.boxtrace.sink;

import io.boxtrace.event.Clock;
import io.boxtrace.event.CommEvent;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.IdChangeEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.recording.RecordingHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Event streams as the pipeline produces them, built in code: a Docker container whose shell runs
 * a few commands (one killed, one failing exec), an unshare, a fork storm, a thread, a lost event,
 * a process still running at the end, and host processes from the start-up snapshot.
 */
public final class SampleStreams {

    public static final long T0 = 5_000_000_000_000L;
    public static final Clock CLOCK = new Clock(1_790_000_000_000_000_000L - T0, 12_345_000L);
    public static final ContainerInfo WEB = new ContainerInfo(
            "4f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a", "web", "boxtrace-test/busybox:latest",
            "docker", Map.of("com.docker.compose.project", "demo"), null,
            "/system.slice/docker-4f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a.scope");

    private final List<TracedEvent> out = new ArrayList<>();
    private final Map<Integer, ProcessInfo> live = new HashMap<>();

    public static RecordingHeader header() {
        return new RecordingHeader(RecordingHeader.FORMAT_VERSION, "test", CLOCK.toEpochNs(0), -CLOCK.bootToMono(0),
                T0, "testhost", "6.18.0", "ebpf", List.of(), List.of());
    }

    /** The realistic container scenario (about 60 events). */
    public static List<TracedEvent> containerSession() {
        SampleStreams s = new SampleStreams();
        long t = T0;
        // host: systemd and dockerd from the snapshot; dockerd's containerd-shim is the container's parent
        s.snapshot(t, 1, 0, "systemd", List.of("/sbin/init"), null, T0 - 3_600_000_000_000L);
        s.snapshot(t, 812, 1, "dockerd", List.of("/usr/bin/dockerd", "-H", "fd://"), null, T0 - 3_500_000_000_000L);
        s.snapshot(t, 900, 1, "containerd-shim", List.of("/usr/bin/containerd-shim-runc-v2", "-id", "4f1c"), null,
                T0 - 100_000_000L);
        t += 1_000_000;
        s.out.add(new TracedEvent(new ContainerEvent(t, ContainerEvent.Kind.START, WEB), null, null, WEB));
        s.fork(t += 200_000, 900, 1000, null);
        s.exec(t += 300_000, 1000, "/bin/sh", List.of("sh", "-c", "ls /; sleep 1; false"), 0, WEB);
        s.ns(t += 50_000, 1000, NamespaceEvent.Op.UNSHARE, List.of(Namespace.MNT, Namespace.UTS), WEB);
        s.fork(t += 100_000, 1000, 1001, WEB);
        s.exec(t += 200_000, 1001, "/bin/ls", List.of("ls", "/"), 0, WEB);
        s.exit(t += 2_000_000, 1001, 0, 0, WEB);
        s.fork(t += 100_000, 1000, 1002, WEB);
        s.exec(t += 100_000, 1002, "/bin/nosuch", List.of("nosuch"), 2, WEB);
        s.exit(t += 100_000, 1002, 127, 0, WEB);
        s.fork(t += 100_000, 1000, 1003, WEB);
        s.exec(t += 100_000, 1003, "/bin/sleep", List.of("sleep", "1"), 0, WEB);
        s.comm(t += 10_000, 1003, "sleepy", WEB);
        s.idChange(t += 10_000, 1003, WEB);
        s.thread(t += 10_000, 1003, 1004, WEB);
        s.exit(t += 900_000_000, 1003, Task.UNKNOWN, 9, WEB);
        s.out.add(TracedEvent.bare(new LostEvent(t += 1_000, "ebpf", 3, "ring buffer full")));
        // fork storm: 20 short children of the shell, some overlapping
        for (int i = 0; i < 20; i++) {
            int pid = 1100 + i;
            s.fork(t += 50_000, 1000, pid, WEB);
            s.exec(t += 20_000, pid, "/bin/true", List.of("true", "storm-" + i), 0, WEB);
            if (i % 2 == 1) {
                s.exit(t += 10_000, pid - 1, 0, 0, WEB);
                s.exit(t += 10_000, pid, 0, 0, WEB);
            }
        }
        s.exit(t += 1_000_000, 1000, 1, 0, WEB);
        // an orphan daemon started on the host that outlives the recording
        s.fork(t += 1_000_000, 812, 2000, null);
        s.exec(t += 100_000, 2000, "/usr/bin/logger", List.of("logger", "-t", "boxtrace-sample"), 0, null);
        s.out.add(new TracedEvent(new ContainerEvent(t += 1_000_000, ContainerEvent.Kind.STOP, WEB), null, null, WEB));
        return List.copyOf(s.out);
    }

    /** Text a traced program chooses to attack a reader: HTML/script injection, a comment opener, quotes. */
    public static final String MARKUP = "</script><img src=x onerror=alert(1)><!--\"'>";
    /** Text that would drive or fool a terminal: colour, bell, a forged newline, a bidi override, line separators. */
    public static final String TERMINAL = "\u001b[31mRED\u0007\nforged line\u202etxt.exe\u2028\u2029";
    public static final ContainerInfo HOSTILE = new ContainerInfo(
            "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9", "web" + MARKUP + TERMINAL,
            "img" + MARKUP + ":" + TERMINAL, "docker", Map.of("x", MARKUP), null,
            "/system.slice/docker-0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9.scope");

    /**
     * A container whose name and image, and a process whose comm, file name and argv, carry
     * {@link #MARKUP} and {@link #TERMINAL}: every output must show them as text and nothing else.
     */
    public static List<TracedEvent> hostileSession() {
        SampleStreams s = new SampleStreams();
        long t = T0;
        s.snapshot(t, 1, 0, "systemd", List.of("/sbin/init"), null, T0 - 3_600_000_000_000L);
        s.out.add(new TracedEvent(new ContainerEvent(t += 1_000_000, ContainerEvent.Kind.START, HOSTILE), null, null, HOSTILE));
        s.fork(t += 100_000, 1, 3000, HOSTILE);
        s.exec(t += 100_000, 3000, "/bin/" + MARKUP + TERMINAL, List.of("sh", "-c", "echo " + MARKUP, TERMINAL), 0, HOSTILE);
        s.comm(t += 10_000, 3000, "c" + MARKUP + TERMINAL, HOSTILE);
        s.fork(t += 100_000, 3000, 3001, HOSTILE);
        s.exec(t += 100_000, 3001, "/bin/" + TERMINAL, List.of(TERMINAL, MARKUP), 2, HOSTILE);
        s.exit(t += 100_000, 3001, 127, 0, HOSTILE);
        s.exit(t += 1_000_000, 3000, 1, 0, HOSTILE);
        s.out.add(new TracedEvent(new ContainerEvent(t += 1_000_000, ContainerEvent.Kind.STOP, HOSTILE), null, null, HOSTILE));
        return List.copyOf(s.out);
    }

    private void snapshot(long t, int pid, int ppid, String comm, List<String> args, ContainerInfo c, long start) {
        ProcessInfo p = new ProcessInfo(new ProcessKey(pid, start), ppid, 0, comm, args.getFirst(), args, "/",
                "/init.scope", 42, List.of(pid), Map.of("pid", 4026531836L, "mnt", 4026531841L), 0, Task.UNKNOWN, 0, false);
        live.put(pid, p);
        out.add(new TracedEvent(new SnapshotEvent(t, p), p, live.get(ppid), c));
    }

    private Task task(int pid, ContainerInfo c) {
        ProcessInfo p = live.get(pid);
        return new Task(pid, pid, p.ppid(), p.uid(), p.comm(), c == null ? 42 : 7001, c == null ? 4026531836L : 4026532201L,
                c == null ? pid : pid - 999);
    }

    private void fork(long t, int ppid, int pid, ContainerInfo c) {
        ProcessInfo parent = live.get(ppid);
        ProcessInfo p = new ProcessInfo(new ProcessKey(pid, t), ppid, parent.uid(), parent.comm(), parent.exe(),
                parent.args(), parent.cwd(), c == null ? parent.cgroup() : WEB.cgroup(), c == null ? 42 : 7001,
                c == null ? List.of(pid) : List.of(pid, pid - 999), parent.namespaces(), 0, Task.UNKNOWN, 0, false);
        live.put(pid, p);
        out.add(new TracedEvent(new ForkEvent(t, task(ppid, c), pid, pid, c == null ? 0 : 0x01200011L), p, parent, c));
    }

    private void thread(long t, int pid, int tid, ContainerInfo c) {
        out.add(new TracedEvent(new ForkEvent(t, task(pid, c), pid, tid, 0x3d0f00L), live.get(pid),
                live.get(live.get(pid).ppid()), c));
    }

    private void exec(long t, int pid, String file, List<String> args, int errno, ContainerInfo c) {
        ProcessInfo p = live.get(pid);
        if (errno == 0) {
            String comm = file.substring(file.lastIndexOf('/') + 1);
            p = new ProcessInfo(p.key(), p.ppid(), p.uid(), comm, file, args, "/", p.cgroup(), p.cgroupId(), p.nsPids(),
                    p.namespaces(), 0, Task.UNKNOWN, 0, false);
            live.put(pid, p);
        }
        out.add(new TracedEvent(new ExecEvent(t, task(pid, c), file, args, false, "/", errno, ExecEvent.ArgvSource.KERNEL),
                p, live.get(p.ppid()), c));
    }

    private void exit(long t, int pid, int code, int signal, ContainerInfo c) {
        ProcessInfo p = live.get(pid);
        p = new ProcessInfo(p.key(), p.ppid(), p.uid(), p.comm(), p.exe(), p.args(), p.cwd(), p.cgroup(), p.cgroupId(),
                p.nsPids(), p.namespaces(), t, code, signal, false);
        live.put(pid, p);
        out.add(new TracedEvent(new ExitEvent(t, task(pid, c), code, signal, false), p, live.get(p.ppid()), c));
    }

    private void comm(long t, int pid, String comm, ContainerInfo c) {
        ProcessInfo p = live.get(pid);
        live.put(pid, new ProcessInfo(p.key(), p.ppid(), p.uid(), comm, p.exe(), p.args(), p.cwd(), p.cgroup(),
                p.cgroupId(), p.nsPids(), p.namespaces(), 0, Task.UNKNOWN, 0, false));
        out.add(new TracedEvent(new CommEvent(t, task(pid, c), comm), live.get(pid), live.get(live.get(pid).ppid()), c));
    }

    private void idChange(long t, int pid, ContainerInfo c) {
        out.add(new TracedEvent(new IdChangeEvent(t, task(pid, c), IdChangeEvent.Kind.UID, 1000, 1000), live.get(pid),
                live.get(live.get(pid).ppid()), c));
    }

    private void ns(long t, int pid, NamespaceEvent.Op op, List<Namespace> kinds, ContainerInfo c) {
        out.add(new TracedEvent(new NamespaceEvent(t, task(pid, c), op, kinds, null, null, 0, 0x04020000L, 0),
                live.get(pid), live.get(live.get(pid).ppid()), c));
    }
}
