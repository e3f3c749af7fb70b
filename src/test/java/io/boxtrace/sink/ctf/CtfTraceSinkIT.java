package io.boxtrace.sink.ctf;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.sink.Golden;
import io.boxtrace.sink.SampleStreams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CTF output read back by babeltrace2 (installed by scripts/setup-host.sh). */
class CtfTraceSinkIT {

    @TempDir
    Path dir;

    static String babeltrace(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("babeltrace2"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void babeltraceReadsEveryEventWithTheLttngFieldsAndTheKernelEnvironment() throws Exception {
        List<TracedEvent> events = SampleStreams.containerSession();
        Path ctf = Golden.convert(events, dir.resolve("trace.ctf"));
        Golden.compare(ctf.resolve("metadata"), "container-session.ctf.metadata.txt");
        long expected = events.stream().filter(t -> switch (t.event()) {
            case ForkEvent f -> true;
            case ExecEvent x -> !x.failed();
            case ExitEvent x -> true;
            case SnapshotEvent s -> true;
            default -> false;
        }).count();
        String text = babeltrace(ctf.toString());
        List<String> lines = text.lines().filter(l -> l.contains("sched_") || l.contains("lttng_statedump")).toList();
        assertThat(lines).hasSize((int) expected);
        assertThat(text.lines().filter(l -> l.contains("sched_process_fork")).findFirst().orElseThrow())
                .contains("parent_comm = \"containerd-shim\"", "parent_tid = 900", "parent_pid = 900",
                        "child_comm = \"containerd-shim\"", "child_tid = 1000", "child_pid = 1000");
        assertThat(text).contains("sched_process_exec: { cpu_id = 0 }, { filename = \"/bin/ls\", tid = 1001, old_tid = 1001 }")
                .contains("sched_process_exit: { cpu_id = 0 }, { comm = \"sleepy\", tid = 1003, prio = 20 }")
                .contains("lttng_statedump_process_state: { cpu_id = 0 }, { tid = 812, vtid = 812, pid = 812");
        // Timestamps carry the recording's clock offsets: the first event is at the recording's wall time.
        assertThat(text.lines().filter(l -> l.startsWith("[")).findFirst().orElseThrow()).startsWith("[14:13:20.000000000]");
        String env = babeltrace("--output-format=ctf-metadata", ctf.toString());
        assertThat(env).contains("domain = \"kernel\"", "tracer_name = \"lttng-modules\"");
        // lost events reach readers as discarded events
        assertThat(text).contains("WARNING: Tracer may have discarded events");
    }
}
