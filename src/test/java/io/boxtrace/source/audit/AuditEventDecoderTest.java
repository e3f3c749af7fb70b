package io.boxtrace.source.audit;

import static io.boxtrace.source.audit.AuditFixtures.decode;
import static io.boxtrace.source.audit.AuditFixtures.of;
import static io.boxtrace.source.audit.AuditFixtures.records;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit decoding chain on records captured from the real kernel (scripts/capture-audit-fixtures.py). */
class AuditEventDecoderTest {

    private static ExecEvent execOf(List<Event> events, String arg0) {
        return of(events, ExecEvent.class).stream().filter(x -> !x.args().isEmpty() && x.args().getFirst().equals(arg0))
                .findFirst().orElseThrow(() -> new AssertionError("no exec of " + arg0 + " in " + events));
    }

    /** sh -c '/bin/true one; /bin/sh -c "exit 3"; /bin/echo two three' under the capture script's sh -c. */
    @Test
    void aKnownTreeWithArgsAndExitCodes() {
        List<Event> events = decode("tree");
        ExecEvent one = execOf(events, "/bin/true");
        assertThat(one.args()).containsExactly("/bin/true", "one");
        assertThat(one.filename()).isEqualTo("/bin/true");
        assertThat(one.cwd()).isEqualTo("/work/wt-audit");
        assertThat(one.task().comm()).isEqualTo("true");
        assertThat(one.detail()).isEqualTo(ExecEvent.ArgvSource.KERNEL);
        assertThat(one.argsTruncated()).isFalse();
        ExecEvent echo = execOf(events, "/bin/echo");
        assertThat(echo.args()).containsExactly("/bin/echo", "two", "three");

        List<ExecEvent> shells = of(events, ExecEvent.class).stream().filter(x -> x.args().getFirst().equals("/bin/sh")).toList();
        assertThat(shells).extracting(x -> x.args().getLast())
                .containsExactly("/bin/sh -c '/bin/true one; /bin/sh -c \"exit 3\"; /bin/echo two three >/dev/null'",
                        "/bin/true one; /bin/sh -c \"exit 3\"; /bin/echo two three >/dev/null", "exit 3");
        int exit3Pid = shells.get(2).task().pid();
        ExitEvent exit3 = of(events, ExitEvent.class).stream().filter(x -> x.task().pid() == exit3Pid).findFirst().orElseThrow();
        assertThat(exit3.exitCode()).isEqualTo(3);
        assertThat(of(events, ExitEvent.class)).filteredOn(x -> x.task().pid() == one.task().pid())
                .extracting(ExitEvent::exitCode).containsExactly(0);
        // Every process exec'd, each after its own fork (vfork children exec before the parent's
        // vfork record is logged: the linker must still put the fork first).
        for (ExecEvent x : of(events, ExecEvent.class)) {
            int forkAt = -1;
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i) instanceof ForkEvent f && f.childPid() == x.task().pid()) {
                    forkAt = i;
                }
            }
            if (x.task().pid() != shells.getFirst().task().pid()) { // the first sh was forked by the capturing python, not traced
                assertThat(forkAt).as("fork of %s", x.args()).isBetween(0, events.indexOf(x) - 1);
            }
        }
        ForkEvent forkOfOne = of(events, ForkEvent.class).stream().filter(f -> f.childPid() == one.task().pid())
                .findFirst().orElseThrow();
        assertThat(forkOfOne.parent().pid()).isEqualTo(one.task().ppid());
    }

    /** /bin/true with two 100,000-byte arguments: 200 KB of argv over 57 EXECVE records, chunked and hex-encoded. */
    @Test
    void a200KbArgvSplitOverManyRecords() {
        assertThat(records("long-argv")).filteredOn(r -> r.type() == AuditMessages.EXECVE).hasSizeGreaterThan(50);
        ExecEvent x = execOf(decode("long-argv"), "/bin/true");
        assertThat(x.args()).hasSize(4);
        assertThat(x.args().get(1)).hasSize(100_000).matches("x+");
        assertThat(x.args().get(2)).hasSize(100_000).matches("y+");
        assertThat(x.args().get(3)).isEqualTo("tail");
        assertThat(x.argsTruncated()).isFalse();

        ExecEvent cut = execOf(decode(records("long-argv"), 128, 16 * 1024, r -> false), "/bin/true");
        assertThat(cut.argsTruncated()).isTrue();
        assertThat(String.join("", cut.args())).hasSize(16 * 1024);
        assertThat(cut.args().get(1)).matches("x+");
    }

    /** echo 'with space' 'dq"x' "sq'x" $'bad\377\376byte' '' plain: the kernel hex-encodes some, quotes others. */
    @Test
    void hexEncodedArgumentsWithSpacesQuotesAndNonUtf8() {
        ExecEvent x = execOf(decode("hex-args"), "/bin/echo");
        assertThat(x.args()).containsExactly("/bin/echo", "with space", "dq\"x", "sq'x", "bad\uFFFD\uFFFDbyte", "", "plain");
        assertThat(x.argsTruncated()).isFalse();
    }

    /** unshare -U -n /bin/true; chroot / /bin/true; /nonexistent/prog (fails, sh exits 127). */
    @Test
    void namespaceOperationsAndAFailedExec() {
        List<Event> events = decode("namespaces");
        NamespaceEvent unshare = of(events, NamespaceEvent.class).stream()
                .filter(n -> n.op() == NamespaceEvent.Op.UNSHARE).findFirst().orElseThrow();
        assertThat(unshare.namespaces()).containsExactly(Namespace.USER, Namespace.NET);
        assertThat(unshare.result()).isZero();
        NamespaceEvent chroot = of(events, NamespaceEvent.class).stream()
                .filter(n -> n.op() == NamespaceEvent.Op.CHROOT).findFirst().orElseThrow();
        assertThat(chroot.path()).isEqualTo("/");
        ExecEvent failed = of(events, ExecEvent.class).stream().filter(ExecEvent::failed).findFirst().orElseThrow();
        assertThat(failed.errno()).isEqualTo(2);
        assertThat(failed.filename()).isEqualTo("/nonexistent/prog");
        assertThat(of(events, ExitEvent.class)).filteredOn(e -> e.task().pid() == failed.task().pid())
                .extracting(ExitEvent::exitCode).containsExactly(127);
    }

    /** An EOE that never comes: the event is still decoded, after the timeout, in its place. */
    @Test
    void anEventWithoutEoeIsClosedByTheTimeout() {
        List<AuditRecord> all = records("tree");
        long serialOfOne = all.stream().filter(r -> r.type() == AuditMessages.EXECVE && r.body().contains("\"one\""))
                .findFirst().orElseThrow().serial();
        List<Event> events = decode(all, 1000, 1 << 20,
                r -> r.serial() == serialOfOne && r.type() == AuditMessages.EOE);
        assertThat(execOf(events, "/bin/true").args()).containsExactly("/bin/true", "one");
        assertThat(events).hasSameSizeAs(decode("tree"));
    }

    /** Whole events arriving in reverse order still come out in serial (kernel) order. */
    @Test
    void interleavedSerialsComeOutInKernelOrder() {
        List<AuditRecord> all = records("tree");
        List<AuditRecord> shuffled = new ArrayList<>(all);
        // Interleave record by record the first half with the second half of the capture.
        List<AuditRecord> a = all.subList(0, all.size() / 2);
        List<AuditRecord> b = new ArrayList<>(all.subList(all.size() / 2, all.size()));
        Collections.reverse(b);
        shuffled.clear();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            if (i < b.size()) {
                shuffled.add(b.get(i));
            }
            if (i < a.size()) {
                shuffled.add(a.get(i));
            }
        }
        AuditEventAssembler assembler = new AuditEventAssembler(1_000_000, 0, 1000, 1 << 20);
        List<Long> serials = new ArrayList<>();
        for (AuditRecord r : shuffled) {
            assembler.accept(r, 0, g -> serials.add(g.serial()));
        }
        assembler.flush(g -> serials.add(g.serial()));
        assertThat(serials).isSorted().doesNotHaveDuplicates().hasSizeGreaterThan(10);
    }
}
