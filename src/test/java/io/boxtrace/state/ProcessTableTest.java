package io.boxtrace.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessTableTest {

    private static final long SEC = 1_000_000_000L;
    /** What /proc would say; tests put processes here to play the kernel's truth. */
    private final Map<Integer, ProcessInfo> proc = new HashMap<>();
    private final ProcessTable table = new ProcessTable(pid -> Optional.ofNullable(proc.get(pid)), 5 * SEC, 1000);

    private static ProcessInfo info(int pid, int ppid, String comm) {
        return new ProcessInfo(new ProcessKey(pid, 1), ppid, 0, comm, "/bin/" + comm, List.of(comm), "/", "/", 0,
                List.of(pid), Map.of("pid", 4026531836L), 0, Task.UNKNOWN, 0, false);
    }

    private void boot() {
        table.apply(new SnapshotEvent(0, info(1, 0, "init")));
        table.apply(new SnapshotEvent(0, info(100, 1, "bash")));
    }

    private static ForkEvent fork(long t, int parent, int child) {
        return new ForkEvent(t, Task.ids(parent, parent), child, child, 0);
    }

    private static ExecEvent exec(long t, int pid, String... argv) {
        return new ExecEvent(t, Task.ids(pid, pid), "/bin/" + argv[0], List.of(argv), false, null, 0,
                ExecEvent.ArgvSource.KERNEL);
    }

    private static ExitEvent exit(long t, int pid, int status) {
        return ExitEvent.fromWaitStatus(t, Task.ids(pid, pid), status);
    }

    @Test
    void forkExecExitBuildsAndRetiresAProcessWithItsLifetime() {
        boot();
        TracedEvent f = table.apply(fork(SEC, 100, 200)).getFirst();
        assertThat(f.process().pid()).isEqualTo(200);
        assertThat(f.process().ppid()).isEqualTo(100);
        assertThat(f.parent().comm()).isEqualTo("bash");
        assertThat(f.process().args()).as("a child starts as a copy of its parent").containsExactly("bash");
        table.apply(exec(SEC + 10, 200, "ls", "-l"));
        assertThat(table.get(200).orElseThrow().args()).containsExactly("ls", "-l");
        TracedEvent x = table.apply(exit(3 * SEC, 200, 2 << 8)).getFirst();
        assertThat(x.process().exitCode()).isEqualTo(2);
        assertThat(x.process().exitNs() - x.process().startNs()).isEqualTo(2 * SEC);
        assertThat(table.get(200)).isEmpty();
        assertThat(table.getIncludingExited(200)).isPresent();
    }

    @Test
    void threadsAreNotProcesses() {
        boot();
        table.apply(new ForkEvent(SEC, Task.ids(100, 100), 100, 101, 0));
        assertThat(table.get(101)).isEmpty();
        table.apply(new ExitEvent(2 * SEC, new Task(100, 101, 1, 0, null, 0, 0, -1), 0, 0, false));
        assertThat(table.get(100)).as("a thread's exit does not end its process").isPresent();
        assertThat(table.stats().live()).isEqualTo(2);
    }

    @Test
    void orphansGoToInitAndTheirParentIsCorrectedFromProcAtTheirNextEvent() {
        boot();
        table.apply(fork(SEC, 100, 200));
        table.apply(fork(SEC, 200, 201));
        table.apply(exit(2 * SEC, 200, 0));
        assertThat(table.get(201).orElseThrow().ppid()).isEqualTo(1);
        // The kernel actually gave it to a subreaper (bash, 100); /proc says so.
        proc.put(201, info(201, 100, "sleep"));
        table.apply(exec(3 * SEC, 201, "sleep", "9"));
        assertThat(table.get(201).orElseThrow().ppid()).isEqualTo(100);
    }

    @Test
    void orphansInsideAPidNamespaceGoToThatNamespacesInit() {
        boot();
        var nsInit = new ProcessInfo(new ProcessKey(500, 1), 400, 0, "sh", null, List.of("sh"), null, "/docker/x", 0,
                List.of(500, 1), Map.of("pid", 99L), 0, Task.UNKNOWN, 0, false);
        var mid = new ProcessInfo(new ProcessKey(501, 1), 500, 0, "sh", null, List.of("sh"), null, "/docker/x", 0,
                List.of(501, 2), Map.of("pid", 99L), 0, Task.UNKNOWN, 0, false);
        var leaf = new ProcessInfo(new ProcessKey(502, 1), 501, 0, "sleep", null, List.of("sleep"), null, "/docker/x", 0,
                List.of(502, 3), Map.of("pid", 99L), 0, Task.UNKNOWN, 0, false);
        List.of(nsInit, mid, leaf).forEach(p -> table.apply(new SnapshotEvent(0, p)));
        table.apply(exit(SEC, 501, 0));
        assertThat(table.get(502).orElseThrow().ppid()).isEqualTo(500);
    }

    @Test
    void aForkForAPidStillAliveMeansItsExitWasMissed() {
        boot();
        table.apply(fork(SEC, 100, 200));
        table.apply(exec(SEC, 200, "old"));
        table.apply(fork(9 * SEC, 100, 200)); // pid wrapped; no exit was seen
        ProcessInfo now = table.get(200).orElseThrow();
        assertThat(now.startNs()).isEqualTo(9 * SEC);
        assertThat(now.args()).containsExactly("bash");
        assertThat(table.stats().pidReuses()).isEqualTo(1);
    }

    @Test
    void aForkWhoseParentIsUnknownWaitsForItThenComesOutInOrder() {
        boot();
        // 300's own fork (from bash) arrives after its child's fork: held, then released together.
        assertThat(table.apply(fork(2 * SEC, 300, 301))).isEmpty();
        assertThat(table.stats().held()).isEqualTo(1);
        List<TracedEvent> out = table.apply(fork(SEC, 100, 300));
        assertThat(out).extracting(t -> ((ForkEvent) t.event()).childPid()).containsExactly(300, 301);
        assertThat(table.get(301).orElseThrow().ppid()).isEqualTo(300);
        assertThat(table.stats().held()).isZero();
        assertThat(table.stats().releasedLate()).isZero();
    }

    @Test
    void aHeldForkIsReleasedAfterItsBoundEvenIfTheParentNeverShows() {
        boot();
        table.apply(fork(SEC, 777, 778));
        for (int i = 0; i < ProcessTable.RETRY_EVENTS; i++) {
            table.apply(exec(SEC, 100, "bash"));
        }
        assertThat(table.get(778)).isPresent();
        assertThat(table.stats().releasedLate()).isEqualTo(1);
    }

    @Test
    void healRetiresWhatVanishedAndAddsWhatWasMissed() {
        boot();
        table.apply(fork(SEC, 100, 200));
        // Events were lost: 200 exited unseen, 250 started unseen.
        List<TracedEvent> healed = table.heal(List.of(info(1, 0, "init"), info(100, 1, "bash"), info(250, 100, "vim")),
                5 * SEC);
        assertThat(healed).extracting(t -> t.process().pid()).containsExactly(200);
        assertThat(healed.getFirst().event()).isInstanceOf(ExitEvent.class);
        assertThat(table.get(200)).isEmpty();
        assertThat(table.get(250).orElseThrow().comm()).isEqualTo("vim");
        assertThat(table.stats().heals()).isEqualTo(1);
    }

    @Test
    void aGoneExecNeverKeepsTheParentsCommandLine() {
        boot();
        table.apply(fork(SEC, 100, 200));
        table.apply(new ExecEvent(SEC, Task.ids(200, 200), null, List.of(), false, null, 0, ExecEvent.ArgvSource.GONE));
        ProcessInfo p = table.get(200).orElseThrow();
        assertThat(p.args()).isEmpty();
        assertThat(p.comm()).isNull();
    }

    @Test
    void exitedProcessesAreDroppedAfterTheGracePeriod() {
        boot();
        table.apply(fork(SEC, 100, 200));
        table.apply(exit(2 * SEC, 200, 0));
        table.apply(exec(6 * SEC, 100, "bash"));
        assertThat(table.getIncludingExited(200)).isPresent();
        table.apply(exec(8 * SEC, 100, "bash"));
        assertThat(table.getIncludingExited(200)).isEmpty();
        assertThat(table.stats().exited()).isZero();
    }

    @Test
    void memoryStaysBoundedUnderAMillionEventsOfForkExecExitChurnWithPidWrap() {
        boot();
        long t = SEC;
        int maxExited = 0;
        for (int i = 0; i < 333_334; i++) {
            int pid = 300 + (i % 32_000); // pids wrap as on a pid_max=32768 host
            t += 20_000; // 50,000 processes a second
            table.apply(fork(t, 100, pid));
            table.apply(exec(t + 1, pid, "true", "TAG-" + i));
            table.apply(exit(t + 2, pid, 0));
            maxExited = Math.max(maxExited, table.stats().exited());
        }
        TableStats s = table.stats();
        assertThat(s.live()).isEqualTo(2);
        assertThat(maxExited).as("bounded by count (1000)").isLessThanOrEqualTo(1001);
        assertThat(s.held()).isZero();
    }
}
