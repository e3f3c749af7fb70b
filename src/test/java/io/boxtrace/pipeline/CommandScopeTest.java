package io.boxtrace.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandScopeTest {

    private static final int SELF = 100;
    private final CommandScope scope = new CommandScope(SELF);

    private static TracedEvent fork(int parent, int child, int childTid) {
        return TracedEvent.bare(new ForkEvent(1, Task.ids(parent, parent), child, childTid, 0));
    }

    private static TracedEvent exec(int pid, String file) {
        return TracedEvent.bare(new ExecEvent(2, Task.ids(pid, pid), file, List.of(file), false, null, 0,
                ExecEvent.ArgvSource.KERNEL));
    }

    private static TracedEvent exit(int pid) {
        return TracedEvent.bare(ExitEvent.fromWaitStatus(3, Task.ids(pid, pid), 0));
    }

    @Test
    void followsDescendantsEvenAfterReparentingAndDropsOthers() {
        assertThat(scope.test(fork(SELF, 200, 200))).isTrue();
        assertThat(scope.test(exec(200, "/usr/lib/jvm/x/lib/jspawnhelper"))).as("JDK spawn step").isFalse();
        assertThat(scope.test(exec(200, "/bin/sh"))).isTrue();
        assertThat(scope.test(fork(200, 201, 201))).isTrue();
        assertThat(scope.test(fork(201, 202, 202))).isTrue();
        assertThat(scope.test(exit(201))).isTrue();
        // 202 is now re-parented to init, but it was forked inside the scope: still followed.
        assertThat(scope.test(exec(202, "/bin/sleep"))).isTrue();
        assertThat(scope.test(fork(1, 300, 300))).as("unrelated").isFalse();
        assertThat(scope.test(exec(300, "/bin/ls"))).isFalse();
    }

    @Test
    void dropsBoxtracesOwnThreadsAndExecs() {
        assertThat(scope.test(fork(SELF, SELF, 150))).isFalse();
        assertThat(scope.test(exec(SELF, "/bin/x"))).isFalse();
    }

    @Test
    void exitedPidIsForgottenSoAReusedPidIsNotFollowed() {
        scope.test(fork(SELF, 200, 200));
        assertThat(scope.test(exit(200))).isTrue();
        assertThat(scope.size()).isZero();
        assertThat(scope.test(exec(200, "/bin/other"))).isFalse();
    }

    @Test
    void adoptsAProcessWhoseForkWasLostWhenItsParentIsFollowed() {
        scope.test(fork(SELF, 200, 200));
        ProcessInfo orphanInfo = new ProcessInfo(new ProcessKey(250, 5), 200, 0, "x", null, List.of(), null, null, 0,
                List.of(), Map.of(), 0, Task.UNKNOWN, 0, false);
        var e = new ExecEvent(2, Task.ids(250, 250), "/bin/x", List.of("x"), false, null, 0, ExecEvent.ArgvSource.KERNEL);
        assertThat(scope.test(new TracedEvent(e, orphanInfo, null, null))).isTrue();
    }
}
