package io.boxtrace.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A container that execs as fast as it can with the largest argv the sources capture (16 KiB): the
 * exited processes kept for late events must not hold every one of those command lines for the whole
 * grace period (50,000 of them are 800 MB; boxtrace's heap is 128 MiB).
 */
class ExitedArgsBoundTest {

    private static final long SEC = 1_000_000_000L;

    @Test
    void exitedCommandLinesAreBoundedInCharactersNotOnlyInCount() {
        ProcessTable table = new ProcessTable(pid -> Optional.empty(), 5 * SEC, 50_000);
        table.apply(new SnapshotEvent(0, new ProcessInfo(new ProcessKey(100, 1), 1, 0, "sh", "/bin/sh", List.of("sh"), "/",
                "/", 0, List.of(100), Map.of(), 0, Task.UNKNOWN, 0, false)));
        String big = "a".repeat(16_000);
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            int pid = 1_000 + i;
            long t = SEC + i * 10_000L; // 5,000 execs within 50 ms of event time: all inside the grace period
            table.apply(new ForkEvent(t, Task.ids(100, 100), pid, pid, 0));
            table.apply(new ExecEvent(t + 1, Task.ids(pid, pid), "/bin/true", List.of("true", big), false, null, 0,
                    ExecEvent.ArgvSource.KERNEL));
            table.apply(ExitEvent.fromWaitStatus(t + 2, Task.ids(pid, pid), 0));
        }
        long chars = table.exited().stream().mapToLong(p -> p.args().stream().mapToLong(String::length).sum()).sum();
        assertThat(chars).isLessThanOrEqualTo(ProcessTable.MAX_EXITED_ARG_CHARS);
        assertThat(table.exited().size()).isLessThan(n).isGreaterThan(100);
        // the most recent ones are the ones kept
        assertThat(table.exited().stream().anyMatch(p -> p.pid() == 1_000 + n - 1)).isTrue();
        assertThat(table.exited().stream().anyMatch(p -> p.pid() == 1_000)).isFalse();
    }
}
