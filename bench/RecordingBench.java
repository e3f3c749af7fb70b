import io.boxtrace.pipeline.Sink;
import io.boxtrace.sink.Formats;
import io.boxtrace.sink.SampleStreams;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.source.recording.RecordingReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Throughput of writing, reading and converting a build-like recording (N short processes, each
 * fork + exec + exit, under one container shell). A measurement, not a test: run it with
 * {@code bench/recording.sh [N]} (a single-file Java program on the jar and the test classes);
 * figures go to docs/recordings.md.
 */
public final class RecordingBench {

    public static void main(String[] cli) throws Exception {
        int n = cli.length > 0 ? Integer.parseInt(cli[0]) : 100_000;
        List<TracedEvent> events = new ArrayList<>(n * 3);
        long t = SampleStreams.T0 + 1000;
        ProcessInfo shell = new ProcessInfo(new ProcessKey(100, SampleStreams.T0 - 1), 1, 0, "make", "/usr/bin/make",
                List.of("make", "-j8"), "/src", SampleStreams.WEB.cgroup(), 7001, List.of(100, 1), Map.of(), 0, -1, 0, false);
        for (int i = 0; i < n; i++) {
            int pid = 1000 + i;
            Task parent = new Task(100, 100, 1, 0, "make", 7001, 4026532201L, 1);
            ProcessInfo p = new ProcessInfo(new ProcessKey(pid, t), 100, 0, "make", "/usr/bin/make", shell.args(), "/src",
                    shell.cgroup(), 7001, List.of(pid, i + 2), Map.of(), 0, -1, 0, false);
            events.add(new TracedEvent(new ForkEvent(t, parent, pid, pid, 0), p, shell, SampleStreams.WEB));
            List<String> argv = List.of("cc", "-O2", "-c", "src/file" + i + ".c", "-o", "obj/file" + i + ".o");
            ProcessInfo q = new ProcessInfo(p.key(), 100, 0, "cc", "/usr/bin/cc", argv, "/src", shell.cgroup(), 7001,
                    p.nsPids(), Map.of(), 0, -1, 0, false);
            Task self = new Task(pid, pid, 100, 0, "cc", 7001, 4026532201L, i + 2);
            events.add(new TracedEvent(new ExecEvent(t + 50_000, self, "/usr/bin/cc", argv, false, "/src", 0,
                    ExecEvent.ArgvSource.KERNEL), q, shell, SampleStreams.WEB));
            events.add(new TracedEvent(new ExitEvent(t + 2_000_000, self, 0, 0, false), q, shell, SampleStreams.WEB));
            t += 250_000;
        }
        Path dir = Files.createTempDirectory("bt-bench");
        for (String name : List.of("b.jsonl", "b.jsonl.gz", "b.json", "b.pftrace", "b.html", "b.ctf")) {
            long t0 = System.nanoTime();
            Path out = dir.resolve(name);
            try (Sink s = Formats.forPath(out, SampleStreams.header(), () -> 0L)) {
                s.begin();
                for (TracedEvent e : events) {
                    s.accept(e);
                }
                s.end(new PipelineStats(events.size(), 0, 0, 0, 0, 0));
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long size = Files.isDirectory(out) ? Files.size(out.resolve("channel0_0")) : Files.size(out);
            System.out.printf("BENCH write %-11s %7d events %6d ms %8.0f events/s %6.1f MB%n", name, events.size(), ms,
                    events.size() * 1000.0 / Math.max(ms, 1), size / 1e6);
        }
        for (String name : List.of("b.jsonl", "b.jsonl.gz")) {
            long t0 = System.nanoTime();
            long count = 0;
            try (RecordingReader r = RecordingReader.open(dir.resolve(name))) {
                while (r.next() != null) {
                    count++;
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("BENCH read  %-11s %7d events %6d ms %8.0f events/s%n", name, count, ms, count * 1000.0 / Math.max(ms, 1));
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
