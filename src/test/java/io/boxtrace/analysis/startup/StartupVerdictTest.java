package io.boxtrace.analysis.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The culprit of a failed start comes from the runtime chain, never from the last non-zero exit. */
class StartupVerdictTest {

    private static StartupReport.Proc proc(int pid, String comm, List<String> args, long start, long end, int exit,
                                           int signal, StartupReport.Proc... children) {
        return new StartupReport.Proc(pid, pid, comm, args, start, start, end, exit, signal, false, false,
                List.of(children), null);
    }

    private static final List<StartupReport.Phase> PHASES = List.of(new StartupReport.Phase("runtime create", 10, 20),
            new StartupReport.Phase("namespace set-up", 20, 30));

    @Test
    void aFailedRuncCreateIsTheCulpritThoughAPluginExitedNonZeroLater() {
        StartupReport.Proc killedInit = proc(12, "runc:[2:INIT]", List.of(), 15, 40, -1, 9);
        StartupReport.Proc runc = proc(11, "runc", List.of("/usr/bin/runc", "create", "--bundle", "b", "id"), 10, 45, 1, 0,
                killedInit);
        StartupReport.Proc iptables = proc(20, "iptables", List.of("/usr/sbin/iptables", "-t", "nat", "-N", "x"), 60, 61, 1, 0);
        StartupReport.Proc client = proc(1, "podman", List.of("podman", "run", "img"), 0, 90, 126, 0, runc, iptables);
        StartupVerdict.Verdict v = StartupVerdict.of(List.of(client), PHASES, 1);
        assertThat(v.failed()).isSameAs(runc);
        assertThat(v.stoppedAt()).isEqualTo("runc create (pid 11) exited 1 after namespace set-up, before the user's program ran");
    }

    @Test
    void anInitStageThatExitedWithAnErrorIsNamedUnderItsRuntime() {
        StartupReport.Proc init = proc(12, "runc:[2:INIT]", List.of(), 15, 40, 1, 0);
        StartupReport.Proc runc = proc(11, "runc", List.of("runc", "--root", "/r", "create", "id"), 10, 45, 1, 0, init);
        StartupVerdict.Verdict v = StartupVerdict.of(List.of(runc), PHASES, 99);
        assertThat(v.failed()).isSameAs(init);
        assertThat(v.stoppedAt()).isEqualTo("runc create (pid 11) exited 1: its runc:[2:INIT] (pid 12) exited 1 after "
                + "namespace set-up, before the user's program ran");
    }

    @Test
    void withNoRuntimeFailureTheClientsOwnErrorExitIsTheCause() {
        StartupReport.Proc probe = proc(5, "iptables", List.of("iptables", "-C", "x"), 5, 6, 1, 0);
        StartupReport.Proc client = proc(1, "docker", List.of("docker", "run", "nosuch"), 0, 90, 125, 0, probe);
        StartupVerdict.Verdict v = StartupVerdict.of(List.of(client), List.of(), 1);
        assertThat(v.failed()).isSameAs(client);
        assertThat(v.stoppedAt()).isEqualTo("docker (pid 1) exited 125 before the runtime was reached");
    }

    @Test
    void nothingFailedSaysOnlyWhereItStopped() {
        StartupReport.Proc client = proc(1, "docker", List.of("docker", "start", "x"), 0, 90, 0, 0);
        StartupVerdict.Verdict v = StartupVerdict.of(List.of(client), PHASES, 1);
        assertThat(v.failed()).isNull();
        assertThat(v.stoppedAt()).isEqualTo("the user's program never ran (after namespace set-up)");
    }
}
