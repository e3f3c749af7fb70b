import io.boxtrace.cli.Components;
import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessResources;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Enricher;
import io.boxtrace.pipeline.Pipeline;
import io.boxtrace.pipeline.StateStage;
import io.boxtrace.render.json.EventJson;
import io.boxtrace.sink.json.JsonLinesSink;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU per event of what boxtrace's pipeline thread does in {@code trace --json} during an exec storm:
 * the process table, container attribution and the JSON line, on the real host components (the
 * /proc snapshot, the container registry), fed with the events the kernel sends for N execs of
 * {@code /bin/true TAG-i} (fork, exec, exit each) by this process as their parent; and before that
 * the reader thread's decoding of real captured records. Measures the
 * thread's own CPU time, so the figure holds on a busy machine where the storm's wall-clock figures
 * do not. A measurement, not a test: {@code bench/pipeline.sh [N] [ROUNDS]} runs it with the
 * launcher's JVM settings; round 1 includes the warm-up a real storm also pays.
 */
public final class PipelineBench {

    public static void main(String[] cli) throws Exception {
        int n = cli.length > 0 ? Integer.parseInt(cli[0]) : 20_000;
        int rounds = cli.length > 1 ? Integer.parseInt(cli[1]) : 5;
        String stages = cli.length > 2 ? cli[2] : "state,containers,json"; // what to run, for finding where time goes
        boolean runContainers = stages.contains("containers");
        boolean runJson = stages.contains("json");
        decodeBench(n, rounds);
        PrintWriter err = new PrintWriter(System.err, true);
        try (Components c = Components.forHost(err, "pipeline-bench")) {
            StateStage state = c.state();
            List<Enricher> enrichers = c.enrichers();
            Pipeline.preload(state, enrichers, c.snapshot());
            int self = (int) ProcessHandle.current().pid();
            long cgroupId = Files.readAttributes(cgroupDir(), java.nio.file.attribute.BasicFileAttributes.class)
                    .fileKey() instanceof Object k ? inode(k) : 0;
            long pidNs = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString()
                    .replaceAll("\\D", ""));
            Task parent = new Task(self, self, ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L).intValue(),
                    0, "bash", cgroupId, pidNs, self);
            OutputStream sinkOut = new BufferedOutputStream(OutputStream.nullOutputStream(), 1 << 16);
            JsonLinesSink sink = new JsonLinesSink(sinkOut, new EventJson(c.clock()), true);
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long t = System.nanoTime();
            int pid = 3_000_000; // above this host's live pids: no /proc entry answers for them
            for (int r = 1; r <= rounds; r++) {
                List<Event> storm = new ArrayList<>(3 * n);
                for (int i = 0; i < n; i++, pid++) {
                    Task child = new Task(pid, pid, self, 0, "bash", cgroupId, pidNs, pid);
                    storm.add(new ForkEvent(t++, parent, pid, pid, 17));
                    Task exec = new Task(pid, pid, self, 0, "true", cgroupId, pidNs, pid);
                    storm.add(new ExecEvent(t++, exec, "/bin/true", List.of("/bin/true", "TAG-" + i), false, "/root", 0,
                            ExecEvent.ArgvSource.KERNEL));
                    storm.add(new ExitEvent(t++, exec, 0, 0, false, new ProcessResources(310_000, 420_000, 1_400, 0, 0,
                            1, 0, 12_000, ProcessResources.Source.KERNEL)));
                }
                long c0 = mx.getCurrentThreadCpuTime();
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long events = 0;
                for (Event e : storm) {
                    for (TracedEvent te : state.apply(e)) {
                        if (runContainers) {
                            for (Enricher en : enrichers) {
                                te = en.enrich(te);
                                en.drainExtra();
                            }
                        }
                        if (runJson) {
                            sink.accept(te);
                        }
                        events++;
                    }
                }
                sink.flush();
                long cpu = mx.getCurrentThreadCpuTime() - c0;
                long allocated = mx.getCurrentThreadAllocatedBytes() - a0;
                System.out.printf("BENCH pipeline round %d: %d events, %.2f us CPU per event, %.1f us per exec,"
                        + " %d bytes allocated per event%n", r, events, cpu / 1e3 / events, cpu / 1e3 / n, allocated / events);
            }
        }
    }

    /**
     * The reader thread's share: decoding records the kernel really wrote (the captured fixtures in
     * src/test/resources/ebpf) into events, from a heap copy as the ring reader hands them over.
     */
    static void decodeBench(int n, int rounds) throws java.io.IOException {
        List<java.nio.ByteBuffer> records = new ArrayList<>();
        try (var files = Files.list(Path.of("src/test/resources/ebpf"))) {
            for (Path f : files.filter(x -> x.getFileName().toString().startsWith("rec-")).sorted().toList()) {
                records.add(java.nio.ByteBuffer.wrap(Files.readAllBytes(f)).order(java.nio.ByteOrder.nativeOrder()));
            }
        }
        var decoder = new io.boxtrace.source.ebpf.RecordDecoder(1024, null);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Event> out = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long a0 = mx.getCurrentThreadAllocatedBytes();
            long decoded = 0;
            for (int i = 0; i < 3 * n; i++) {
                var b = records.get(i % records.size());
                b.clear();
                decoder.decode(b, out::add);
                decoded++;
                if (out.size() > 512) {
                    out.clear();
                }
            }
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            long allocated = mx.getCurrentThreadAllocatedBytes() - a0;
            System.out.printf("BENCH decode round %d: %d records, %.2f us CPU per record, %d bytes allocated per record%n",
                    r, decoded, cpu / 1e3 / decoded, allocated / decoded);
        }
    }

    private static Path cgroupDir() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            if (line.startsWith("0::")) {
                Path unified = Files.isDirectory(Path.of("/sys/fs/cgroup/unified")) ? Path.of("/sys/fs/cgroup/unified")
                        : Path.of("/sys/fs/cgroup");
                return Path.of(unified + line.substring(3));
            }
        }
        return Path.of("/sys/fs/cgroup");
    }

    private static long inode(Object fileKey) {
        String s = fileKey.toString(); // "(dev=...,ino=NNN)"
        return Long.parseLong(s.substring(s.indexOf("ino=") + 4).replaceAll("\\D", ""));
    }
}
