package io.boxtrace.source.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fork ordering in the orders audit produces them. The captured fixtures cover the host case
 * (AuditEventDecoderTest); a parent inside a pid namespace, whose clone returns the namespaced pid,
 * is scripted here from the values such records carry.
 */
class ForkLinkerTest {

    private static Task task(int pid, int ppid) {
        return new Task(pid, pid, ppid, 0, "x", 0, 0, Task.UNKNOWN);
    }

    private static ExecEvent exec(int pid, int ppid) {
        return new ExecEvent(10, task(pid, ppid), "/bin/true", List.of("/bin/true"), false, "/", 0, ExecEvent.ArgvSource.KERNEL);
    }

    @Test
    void aParentInAPidNamespaceGetsItsForkWhenTheChildShowsUp() {
        ForkLinker l = new ForkLinker(pid -> pid != 500, 1000);
        l.seed(500, 1);
        List<Event> out = new ArrayList<>();
        // runc's init (host pid 500, pid 1 in the container) clones: the record says exit=2 with CLONE_NEWNET.
        l.clone(new CloneRecord(5, task(500, 1), 2, 0x40000000L | 17, true), 0, out::add);
        assertThat(out).isEmpty();
        ExecEvent x = exec(731, 500); // the child's own records carry its host pid
        l.event(x, x.task(), 1, out::add);
        assertThat(out).hasSize(3);
        ForkEvent f = (ForkEvent) out.get(0);
        assertThat(f.parent().pid()).isEqualTo(500);
        assertThat(f.childPid()).isEqualTo(731);
        assertThat(f.cloneFlags()).isEqualTo(0x40000000L | 17);
        assertThat(out.get(1)).isInstanceOf(NamespaceEvent.class);
        assertThat(out.get(2)).isSameAs(x);
    }

    @Test
    void aChildSeenBeforeItsParentsCloneGetsItsForkFirstAndNoSecondOne() {
        ForkLinker l = new ForkLinker(pid -> true, 1000);
        l.seed(100, 1);
        List<Event> out = new ArrayList<>();
        ExecEvent x = exec(101, 100);
        l.event(x, x.task(), 0, out::add); // vfork: the child's exec is logged before the parent's vfork
        l.clone(new CloneRecord(5, task(100, 1), 101, 0x4111, true), 1, out::add);
        ExitEvent exit = new ExitEvent(20, task(101, 100), 0, 0, false);
        l.event(exit, exit.task(), 2, out::add);
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isInstanceOfSatisfying(ForkEvent.class, f -> assertThat(f.childPid()).isEqualTo(101));
        assertThat(out.get(1)).isSameAs(x);
        assertThat(out.get(2)).isSameAs(exit);
        assertThat(l.isKnown(101)).isFalse();
        assertThat(l.synthesized()).isEqualTo(1);
    }

    @Test
    void aChildThatExecdAndExitedBeforeItsParentsCloneRecordGetsNoSecondFork() {
        ForkLinker l = new ForkLinker(pid -> true, 1000);
        l.seed(100, 1);
        List<Event> out = new ArrayList<>();
        ExecEvent x = exec(102, 100); // sh -c 'exit 5': exec and exit before the parent returned from clone
        l.event(x, x.task(), 0, out::add);
        ExitEvent exit = new ExitEvent(20, task(102, 100), 5, 0, false);
        l.event(exit, exit.task(), 1, out::add);
        l.clone(new CloneRecord(5, task(100, 1), 102, 17, true), 2, out::add);
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isInstanceOfSatisfying(ForkEvent.class, f -> assertThat(f.childPid()).isEqualTo(102));
        assertThat(out.get(1)).isSameAs(x);
        assertThat(out.get(2)).isSameAs(exit);
        // a clone record of another parent for a later process with that pid is a fork again
        l.clone(new CloneRecord(30, task(200, 1), 102, 17, true), 3, out::add);
        assertThat(out).hasSize(4);
    }

    @Test
    void aReusedPidWithAWaitingCloneOfItsNewParentIsANewProcess() {
        ForkLinker l = new ForkLinker(pid -> false, 1000); // parent's namespace unknown: clone waits
        l.seed(100, 1);
        l.seed(300, 7); // an old process whose exit (by a signal) was never seen
        List<Event> out = new ArrayList<>();
        l.clone(new CloneRecord(5, task(100, 1), 300, 17, true), 0, out::add);
        ExecEvent x = exec(300, 100);
        l.event(x, x.task(), 1, out::add);
        assertThat(out.get(0)).isInstanceOfSatisfying(ForkEvent.class, f -> {
            assertThat(f.childPid()).isEqualTo(300);
            assertThat(f.parent().pid()).isEqualTo(100);
        });
    }

    @Test
    void clonesWhoseChildNeverShowsUpExpire() {
        ForkLinker l = new ForkLinker(pid -> false, 1000);
        l.seed(100, 1);
        List<Event> out = new ArrayList<>();
        l.clone(new CloneRecord(5, task(100, 1), 4242, 0, false), 0, out::add); // clone3 of a thread
        l.expire(5000);
        ExecEvent x = exec(100, 1);
        l.event(x, x.task(), 6000, out::add);
        assertThat(out).containsExactly(x);
        assertThat(l.unmatched()).isEqualTo(1);
    }
}
