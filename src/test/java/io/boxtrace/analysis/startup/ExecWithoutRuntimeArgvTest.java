package io.boxtrace.analysis.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An exec seen through the proc connector, which reads argv from /proc after the event: runc's argv
 * (naming the container) was gone, so nothing ties the exec's process to the runtime. The exec's own
 * program is still found (it runs exactly what the client asked for, in that container), and the
 * container's loop still is not.
 */
class ExecWithoutRuntimeArgvTest {

    private static final ContainerInfo SVC = new ContainerInfo("a".repeat(64), "svc", "busybox", "docker", Map.of(), null, null);
    private static final List<String> COMMAND = List.of("docker", "exec", "svc", "sh", "-c", "sleep 0.3; exit 4");

    private static Task task(int pid, int ppid, String comm) {
        return new Task(pid, pid, ppid, 0, comm, 0, 0, pid);
    }

    private static TracedEvent exec(long t, int pid, int ppid, List<String> args, ContainerInfo c) {
        return new TracedEvent(new ExecEvent(t, task(pid, ppid, args.isEmpty() ? null : args.getFirst()),
                args.isEmpty() ? null : args.getFirst(), args, false, null, 0, ExecEvent.ArgvSource.PROC), null, null, c);
    }

    private static TracedEvent fork(long t, int parent, int child, ContainerInfo c) {
        return new TracedEvent(new ForkEvent(t, task(parent, 0, null), child, child, 0), null, null, c);
    }

    private static TracedEvent exit(long t, int pid, int code, ContainerInfo c) {
        return new TracedEvent(new ExitEvent(t, task(pid, 0, null), code, 0, false), null, null, c);
    }

    @Test
    void theExecsProgramIsFoundByWhatItRunsAndTheLoopIsNot() {
        List<TracedEvent> events = new ArrayList<>();
        events.add(exec(100, 50, 1, COMMAND, null));                       // the client
        events.add(fork(110, 1, 60, SVC));                                 // the container's loop (pid 1 there)
        events.add(exec(111, 60, 1, List.of("sleep", "0.1"), SVC));
        events.add(exec(120, 70, 9, List.of(), null));                     // runc exec: argv gone
        events.add(fork(130, 70, 71, null));
        events.add(exec(150, 71, 70, List.of("sh", "-c", "sleep 0.3; exit 4"), SVC));
        events.add(fork(160, 71, 72, SVC));
        events.add(exec(161, 72, 71, List.of("sleep", "0.3"), SVC));
        events.add(exit(210, 60, 0, SVC));
        events.add(exit(461, 72, 0, SVC));
        events.add(exit(462, 71, 4, SVC));
        events.add(exit(470, 50, 4, null));
        StartupAnalysis a = new StartupAnalysis();
        a.client(50);
        events.forEach(a::accept);
        StartupReport r = a.report(COMMAND, false);
        assertThat(r.container().name()).isEqualTo("svc");
        List<String> shown = new ArrayList<>();
        flatten(r.processes(), shown);
        assertThat(shown).contains("sh -c sleep 0.3; exit 4", "sleep 0.3").doesNotContain("sleep 0.1");
    }

    private static void flatten(List<StartupReport.Proc> procs, List<String> out) {
        for (StartupReport.Proc p : procs) {
            out.add(String.join(" ", p.args()));
            flatten(p.children(), out);
        }
    }
}
