package io.boxtrace.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.CommEvent;
import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** boxtrace (pid 500 here) leaves itself out: its threads, its snapshot, the launch of its child. */
class SelfFilterTest {

    private static final int SELF = 500;

    private static Task task(int pid, int tid, int ppid, String comm) {
        return new Task(pid, tid, ppid, 0, comm, 1, 4026531836L, pid);
    }

    private static ExecEvent exec(int pid, String file, int errno) {
        return new ExecEvent(1, task(pid, pid, SELF, "java"), file, List.of("sh", "-c", "true"), false, "/", errno,
                ExecEvent.ArgvSource.KERNEL);
    }

    private static List<Event> kept(Event... events) {
        SelfFilter f = new SelfFilter(SELF);
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (f.test(TracedEvent.bare(e))) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void theLaunchersPathSearchAndSpawnHelperAreLeftOutAndTheCommandKept() {
        ForkEvent fork = new ForkEvent(1, task(SELF, 517, 1, "java"), 600, 600, 0);
        ExecEvent miss1 = exec(600, "/root/.cargo/bin/sh", 2);
        ExecEvent miss2 = exec(600, "/usr/local/sbin/sh", 2);
        ExecEvent helper = exec(600, "/usr/lib/jvm/temurin-25-jdk-amd64/lib/jspawnhelper", 0);
        ExecEvent command = exec(600, "/usr/bin/sh", 0);
        // after the command runs, its own failed exec (a shell's PATH search) is the command's, and kept
        ExecEvent commandsOwnMiss = exec(600, "/usr/local/bin/nosuch", 2);
        ExitEvent exit = new ExitEvent(2, task(600, 600, SELF, "sh"), 0, 0, false);
        assertThat(kept(fork, miss1, miss2, helper, command, commandsOwnMiss, exit))
                .containsExactly(fork, command, commandsOwnMiss, exit);
    }

    @Test
    void theJvmsThreadsAndItsOwnSnapshotAreLeftOutOthersKept() {
        ForkEvent thread = new ForkEvent(1, task(SELF, 517, 1, "java"), SELF, 530, 0x10000);
        ExitEvent threadExit = new ExitEvent(2, task(SELF, 530, 1, "C1 CompilerThre"), 0, 0, false);
        CommEvent threadName = new CommEvent(1, task(SELF, 530, 1, "java"), "boxtrace-pipeli");
        ProcessInfo self = new ProcessInfo(new ProcessKey(SELF, 1), 1, 0, "java", "/usr/bin/java", List.of("java"), "/",
                "/", 1, List.of(SELF), Map.of(), 0, Task.UNKNOWN, 0, false);
        ProcessInfo other = new ProcessInfo(new ProcessKey(700, 1), 1, 0, "sleep", "/bin/sleep", List.of("sleep"), "/",
                "/", 1, List.of(700), Map.of(), 0, Task.UNKNOWN, 0, false);
        SnapshotEvent selfSnap = new SnapshotEvent(0, self);
        SnapshotEvent otherSnap = new SnapshotEvent(0, other);
        ForkEvent otherThread = new ForkEvent(1, task(700, 700, 1, "sleep"), 700, 701, 0x10000);
        ExitEvent otherExit = new ExitEvent(2, task(700, 700, 1, "sleep"), 0, 0, false);
        assertThat(kept(thread, threadExit, threadName, selfSnap, otherSnap, otherThread, otherExit))
                .containsExactly(otherSnap, otherThread, otherExit);
    }
}
