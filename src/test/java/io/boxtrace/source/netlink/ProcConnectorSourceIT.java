package io.boxtrace.source.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.source.procfs.ProcReader;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proc connector source against the real kernel (root). Each test tags its processes uniquely. */
class ProcConnectorSourceIT {

    static {
        // As boxtrace does (Main): plain fork+exec, so the JDK's jspawnhelper adds no exec of its own.
        System.setProperty("jdk.lang.Process.launchMechanism", "FORK");
    }

    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private ProcConnectorSource source;
    private final String tag = "bt" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void start() throws Exception {
        source = new ProcConnectorSource(ProcReader.system(), io.boxtrace.event.Clock.system(io.boxtrace.internal.ffm.Clocks.bootMinusMonoNs())::bootToMono);
        source.start(events::add);
        Thread.sleep(100);
    }

    @AfterEach
    void stop() {
        source.close();
    }

    private int run(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).inheritIO().start();
        p.waitFor();
        Thread.sleep(300); // let the last events arrive
        return (int) p.pid();
    }

    private List<ExecEvent> execsWithTag() {
        return events.stream().filter(e -> e instanceof ExecEvent x && x.args().stream().anyMatch(a -> a.contains(tag)))
                .map(e -> (ExecEvent) e).toList();
    }

    private ExitEvent exitOf(int pid) {
        return events.stream().filter(e -> e instanceof ExitEvent x && x.task().pid() == pid && !x.task().isThread())
                .map(e -> (ExitEvent) e).findFirst().orElseThrow(() -> new AssertionError("no exit for " + pid));
    }

    @Test
    void seesForkExecAndExitWithArgumentsAndExitCodes() throws Exception {
        int sh = run(": " + tag + "; sleep 0.2; /bin/sh -c 'sleep 0.1; exit 7' " + tag + "-child; exit 4");
        ExitEvent shExit = exitOf(sh);
        assertThat(shExit.exitCode()).isEqualTo(4);
        List<ExecEvent> execs = execsWithTag();
        ExecEvent sleep = events.stream().filter(e -> e instanceof ExecEvent x && x.task().ppid() == sh
                && x.args().getFirst().equals("sleep")).map(e -> (ExecEvent) e).findFirst().orElseThrow();
        assertThat(sleep.args()).containsExactly("sleep", "0.2");
        assertThat(sleep.detail()).isEqualTo(ExecEvent.ArgvSource.PROC);
        assertThat(sleep.task().ppid()).isEqualTo(sh);
        assertThat(exitOf(sleep.task().pid()).exitCode()).isZero();
        ExecEvent child = execs.stream().filter(x -> x.args().contains(tag + "-child")).findFirst().orElseThrow();
        assertThat(exitOf(child.task().pid()).exitCode()).isEqualTo(7);
        assertThat(events).anyMatch(e -> e instanceof ForkEvent f && f.parent().pid() == sh
                && f.childPid() == sleep.task().pid());
    }

    @Test
    void reportsTheSignalThatKilledAProcess() throws Exception {
        int sh = run(": " + tag + "; sleep 30 & kill -KILL $!; wait");
        ExecEvent sleep = events.stream().filter(e -> e instanceof ExecEvent x && x.task().ppid() == sh
                && x.args().getFirst().equals("sleep")).map(e -> (ExecEvent) e).findFirst().orElse(null);
        // The kill may land before the exec: then the forked shell is what died. Either way: SIGKILL.
        assertThat(events.stream().filter(e -> e instanceof ExitEvent x && x.signal() == 9
                && x.task().ppid() == sh)).isNotEmpty();
        if (sleep != null) {
            assertThat(exitOf(sleep.task().pid()).signal()).isEqualTo(9);
        }
    }

    @Test
    void aDoubleForkedGrandchildIsSeenAfterItsParentExits() throws Exception {
        int sh = run(": " + tag + "; (sleep 0.3 &) ; exit 0");
        Thread.sleep(400);
        ExecEvent grandchild = events.stream().filter(e -> e instanceof ExecEvent x && x.args().equals(List.of("sleep", "0.3"))
                && x.task().ppid() != sh).map(e -> (ExecEvent) e).findFirst().orElseThrow();
        assertThat(grandchild.task().ppid()).as("re-parented to init or a subreaper").isNotEqualTo(sh);
        assertThat(exitOf(grandchild.task().pid()).exitCode()).isZero();
    }

    @Test
    void aProcessGoneBeforeItsCmdlineIsReadIsMarkedAndNeverGivenAnothersArgv() throws Exception {
        StringBuilder script = new StringBuilder(": " + tag + ";");
        for (int i = 0; i < 300; i++) {
            script.append("/bin/true ").append(tag).append('-').append(i).append(";");
        }
        int sh = run(script.toString());
        // sh forks a child per command (or, in some shells, execs the last one itself in its own pid).
        Set<Integer> pids = new HashSet<>(Set.of(sh));
        events.stream().filter(e -> e instanceof ForkEvent f && !f.isThread() && f.parent().pid() == sh)
                .forEach(e -> pids.add(((ForkEvent) e).childPid()));
        List<ExecEvent> execs = events.stream().filter(e -> e instanceof ExecEvent x && pids.contains(x.task().pid()))
                .map(e -> (ExecEvent) e).toList();
        long gone = execs.stream().filter(x -> x.detail() == ExecEvent.ArgvSource.GONE).count();
        System.out.printf("netlink: %d execs of /bin/true: %d with argv, %d gone before /proc could be read%n",
                execs.size() - 1, execs.size() - gone - 1, gone);
        // The JDK starts sh through jspawnhelper, which execs sh in the same pid: sh's pid may show two
        // execs, and the proc connector reads /proc after both, so both can carry sh's argv.
        long shExecs = execs.stream().filter(x -> x.task().pid() == sh).count();
        assertThat(shExecs).as("sh's own exec (after jspawnhelper's)").isBetween(1L, 2L);
        assertThat(execs.size() - shExecs).as("300 execs of /bin/true").isEqualTo(300);
        assertThat(pids.size()).isBetween(300, 301);
        for (ExecEvent x : execs) {
            if (x.task().pid() == sh) {
                continue; // jspawnhelper's or sh's own exec, checked above
            }
            if (x.detail() == ExecEvent.ArgvSource.GONE) {
                assertThat(x.args()).isEmpty();
            } else if (!x.args().getFirst().equals("/bin/sh")) {
                assertThat(x.args()).as(x.toString()).hasSize(2).first().isEqualTo("/bin/true");
                assertThat(x.args().get(1)).startsWith(tag + "-");
            }
        }
        assertThat(source.stats().argvMissed()).isGreaterThanOrEqualTo(gone);
        assertThat(source.stats().lost()).isZero();
    }
}
