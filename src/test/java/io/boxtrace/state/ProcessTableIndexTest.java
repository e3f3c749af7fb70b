package io.boxtrace.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The table's parent index (what makes an exit's re-parenting O(children) instead of a scan of every
 * live process) must always say what the parent pointers say: checked against a brute-force scan
 * after every event of a random fork/exec/exit sequence with pid reuse, exits of parents with
 * children, execs that change the parent, and heals.
 */
class ProcessTableIndexTest {

    private static final long MS = 1_000_000L;
    private final Map<Integer, ProcessInfo> proc = new HashMap<>();
    private final ProcessTable table = new ProcessTable(pid -> Optional.ofNullable(proc.get(pid)), 5_000 * MS, 1000);

    private static ProcessInfo info(int pid, int ppid, List<Integer> nsPids, long pidNs) {
        return new ProcessInfo(new ProcessKey(pid, 1), ppid, 0, "p" + pid, "/bin/p", List.of("p"), "/", "/", 0,
                nsPids, Map.of("pid", pidNs), 0, Task.UNKNOWN, 0, false);
    }

    @Test
    void childrenIndexAgreesWithParentPointersThroughRandomChurn() {
        table.apply(new SnapshotEvent(0, info(1, 0, List.of(1), 1L)));
        Random random = new Random(42);
        List<Integer> alive = new ArrayList<>(List.of(1));
        long t = MS;
        for (int i = 0; i < 5_000; i++, t += MS) {
            int op = random.nextInt(10);
            if (op < 4 || alive.size() < 3) {
                int parent = alive.get(random.nextInt(alive.size()));
                int child = 2 + random.nextInt(300); // a small pid space: reuse is frequent
                table.apply(new ForkEvent(t, Task.ids(parent, parent), child, child, 0));
                if (!alive.contains(child)) {
                    alive.add(child);
                }
            } else if (op < 7) {
                int pid = alive.get(random.nextInt(alive.size()));
                int newParent = alive.get(random.nextInt(alive.size()));
                Task task = new Task(pid, pid, newParent, 0, "x", 0, 0, Task.UNKNOWN);
                table.apply(new ExecEvent(t, task, "/bin/x", List.of("x"), false, null, 0, ExecEvent.ArgvSource.KERNEL));
            } else if (op < 9) {
                int pid = alive.get(1 + random.nextInt(alive.size() - 1));
                table.apply(ExitEvent.fromWaitStatus(t, Task.ids(pid, pid), 0));
                alive.remove(Integer.valueOf(pid));
            } else {
                List<ProcessInfo> scan = new ArrayList<>();
                for (ProcessInfo p : table.live()) {
                    if (random.nextInt(20) > 0) {
                        scan.add(info(p.pid(), random.nextInt(4) == 0 ? 1 : p.ppid(), List.of(p.pid()), 1L));
                    }
                }
                table.heal(scan, t);
                alive.clear();
                scan.forEach(p -> alive.add(p.pid()));
                if (!alive.contains(1)) {
                    alive.addFirst(1);
                }
            }
            assertIndexMatchesScan();
        }
    }

    @Test
    void orphansInAPidNamespaceGoToItsInitFoundThroughTheIndex() {
        long ns = 4026532000L;
        table.apply(new SnapshotEvent(0, info(1, 0, List.of(1), 1L)));
        table.apply(new SnapshotEvent(0, info(500, 1, List.of(500, 1), ns)));
        table.apply(new SnapshotEvent(0, info(501, 500, List.of(501, 2), ns)));
        table.apply(new SnapshotEvent(0, info(502, 501, List.of(502, 3), ns)));
        table.apply(ExitEvent.fromWaitStatus(MS, Task.ids(501, 501), 0));
        assertThat(table.get(502).orElseThrow().ppid()).isEqualTo(500);
        assertThat(table.children(500)).extracting(ProcessInfo::pid).containsExactly(502);
        table.apply(ExitEvent.fromWaitStatus(2 * MS, Task.ids(500, 500), 0));
        assertThat(table.get(502).orElseThrow().ppid()).as("the namespace's init is gone: the host's init").isEqualTo(1);
    }

    private void assertIndexMatchesScan() {
        List<ProcessInfo> live = table.live();
        for (ProcessInfo p : live) {
            List<Integer> expected = live.stream().filter(c -> c.ppid() == p.pid() && c.pid() != p.pid())
                    .map(ProcessInfo::pid).sorted(Comparator.naturalOrder()).toList();
            assertThat(table.children(p.pid()).stream().map(ProcessInfo::pid).toList()).as("children of %d", p.pid())
                    .isEqualTo(expected);
        }
    }
}
