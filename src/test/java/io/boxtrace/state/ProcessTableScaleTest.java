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
 * The work the table does per event must not grow with the number of processes it holds (bench/scale.sh
 * measures the time; this counts the work that can be counted without a clock): the same exec storm
 * against a table of 1,000 and one of 20,000 processes in 40-process pid namespaces asks /proc the same
 * number of times (none: every storm process is known from its fork) and returns the same events.
 */
class ProcessTableScaleTest {

    private static final long MS = 1_000_000L;

    private record Run(int lookups, int events, int live) {
    }

    private static ProcessInfo info(int pid, int ppid, List<Integer> nsPids, long pidNs) {
        return new ProcessInfo(new ProcessKey(pid, 1), ppid, 0, "sleep", "/bin/sleep", List.of("sleep", "86400"), "/",
                "/c", 0, nsPids, Map.of("pid", pidNs), 0, Task.UNKNOWN, 0, false);
    }

    /** A table holding `processes` snapshot processes, then a storm of 2,000 fork/exec/exit of /bin/true. */
    private static Run storm(int processes) {
        int[] lookups = {0};
        ProcessTable table = new ProcessTable(pid -> {
            lookups[0]++;
            return Optional.empty();
        }, 5_000 * MS, 50_000);
        table.apply(new SnapshotEvent(0, info(1, 0, List.of(1), 1L)));
        table.apply(new SnapshotEvent(0, info(2, 1, List.of(2), 1L))); // the storm's forker
        for (int i = 0; i < processes; i++) {
            int pid = 100 + i;
            int init = 100 + i / 40 * 40;
            long pidNs = 10_000L + i / 40;
            table.apply(new SnapshotEvent(0, info(pid, pid == init ? 1 : init, List.of(pid, pid - init + 1), pidNs)));
        }
        int before = lookups[0];
        int events = 0;
        long t = MS;
        for (int i = 0; i < 2_000; i++, t += MS) {
            int child = 30_000 + i % 500; // pids are reused, as in a storm
            events += table.apply(new ForkEvent(t, Task.ids(2, 2), child, child, 0)).size();
            Task task = new Task(child, child, 2, 0, "true", 0, 1L, child);
            events += table.apply(new ExecEvent(t, task, "/bin/true", List.of("/bin/true", "S-" + i), false, "/", 0,
                    ExecEvent.ArgvSource.KERNEL)).size();
            events += table.apply(ExitEvent.fromWaitStatus(t, Task.ids(child, child), 0)).size();
        }
        return new Run(lookups[0] - before, events, table.stats().live());
    }

    @Test
    void aStormAsksProcTheSameAtOneThousandAndTwentyThousandProcesses() {
        Run small = storm(1_000);
        Run large = storm(20_000);
        assertThat(small.events()).isEqualTo(6_000);
        assertThat(large.events()).isEqualTo(small.events());
        assertThat(small.lookups()).as("/proc reads during the storm").isZero();
        assertThat(large.lookups()).isEqualTo(small.lookups());
        assertThat(large.live() - small.live()).as("the storm's processes are all gone again").isEqualTo(19_000);
    }
}
