package io.boxtrace.source.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.ProcessResources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decodes records captured from the real ring buffer (CaptureRecords): a shell (8422) ran
 * {@code /bin/echo fixture '' "caf\351"}, a missing binary, {@code unshare -m -u /bin/true}, a
 * sleep killed by SIGKILL, and exited 3.
 */
class RecordDecoderTest {

    static ByteBuffer record(int n) throws IOException {
        try (InputStream in = RecordDecoderTest.class.getResourceAsStream(String.format("/ebpf/rec-%03d.bin", n))) {
            return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.nativeOrder());
        }
    }

    private static List<Event> decode(RecordDecoder d, int n) throws IOException {
        List<Event> out = new ArrayList<>();
        d.decode(record(n), out::add);
        return out;
    }

    @Test
    void execCarriesTheFullArgvIncludingEmptyAndNonUtf8Arguments() throws IOException {
        ExecEvent echo = (ExecEvent) decode(new RecordDecoder(128), 6).getFirst();
        assertThat(echo.filename()).isEqualTo("/bin/echo");
        assertThat(echo.args()).containsExactly("/bin/echo", "fixture", "", "caf\uFFFD");
        assertThat(echo.argsTruncated()).isFalse();
        assertThat(echo.detail()).isEqualTo(ExecEvent.ArgvSource.KERNEL);
        assertThat(echo.task().pid()).isEqualTo(8424);
        assertThat(echo.task().ppid()).isEqualTo(8422);
        assertThat(echo.task().comm()).isEqualTo("echo");
        assertThat(echo.task().uid()).isZero();
        assertThat(echo.task().pidNs()).isEqualTo(4026531836L);
        assertThat(echo.task().nsPid()).isEqualTo(8424);
        assertThat(echo.task().cgroupId()).isPositive();
    }

    @Test
    void argvBeyondTheConfiguredCountIsCutAndMarked() throws IOException {
        ExecEvent echo = (ExecEvent) decode(new RecordDecoder(2), 6).getFirst();
        assertThat(echo.args()).containsExactly("/bin/echo", "fixture");
        assertThat(echo.argsTruncated()).isTrue();
    }

    @Test
    void failedExecHasItsErrnoAndNoArgv() throws IOException {
        ExecEvent failed = (ExecEvent) decode(new RecordDecoder(128), 9).getFirst();
        assertThat(failed.failed()).isTrue();
        assertThat(failed.errno()).isEqualTo(2);
        assertThat(failed.filename()).isEqualTo("/nonexistent/x");
        ExitEvent shellExit = (ExitEvent) decode(new RecordDecoder(128), 10).getFirst();
        assertThat(shellExit.exitCode()).isEqualTo(127);
    }

    @Test
    void unshareNamesTheNamespacesItCreated() throws IOException {
        NamespaceEvent ns = (NamespaceEvent) decode(new RecordDecoder(128), 13).getFirst();
        assertThat(ns.op()).isEqualTo(NamespaceEvent.Op.UNSHARE);
        assertThat(ns.namespaces()).containsExactly(Namespace.MNT, Namespace.UTS);
        assertThat(ns.result()).isZero();
        assertThat(ns.task().comm()).isEqualTo("unshare");
    }

    @Test
    void forksCarryCloneFlagsAndThreadsAreMarked() throws IOException {
        ForkEvent fork = (ForkEvent) decode(new RecordDecoder(128), 0).getFirst();
        assertThat(fork.childPid()).isEqualTo(8422);
        assertThat(fork.isThread()).isFalse();
        assertThat(fork.cloneFlags()).isEqualTo(0x1200011L); // glibc fork: CHILD_SETTID|CHILD_CLEARTID|SIGCHLD
        ForkEvent thread = (ForkEvent) decode(new RecordDecoder(128), 5).getFirst();
        assertThat(thread.isThread()).isTrue();
        assertThat(thread.childPid()).isEqualTo(8401);
    }

    @Test
    void exitsGiveCodeOrSignalOncePerProcess() throws IOException {
        ExitEvent killed = (ExitEvent) decode(new RecordDecoder(128), 17).getFirst();
        assertThat(killed.signal()).isEqualTo(9);
        ExitEvent shell = (ExitEvent) decode(new RecordDecoder(128), 18).getFirst();
        assertThat(shell.task().pid()).isEqualTo(8422);
        assertThat(shell.exitCode()).isEqualTo(3);
    }

    @Test
    void exitsCarryWhatTheGroupCostReadInTheKernel() throws IOException {
        // The shell: 5.55 ms of CPU, of which the tick sampler caught only system time.
        ExitEvent shell = (ExitEvent) decode(new RecordDecoder(128), 18).getFirst();
        ProcessResources r = shell.resources();
        assertThat(r.source()).isEqualTo(ProcessResources.Source.KERNEL);
        assertThat(r.cpuNs()).isEqualTo(5_545_273L);
        assertThat(r.cpuUserNs()).isZero();
        assertThat(r.maxRssKb()).isEqualTo(1552);
        assertThat(r.ctxVoluntary()).isEqualTo(8);
        assertThat(r.ctxInvoluntary()).isEqualTo(5);
        assertThat(r.readBytes()).isZero();
        assertThat(r.runqDelayNs()).isEqualTo(135_253_427L);
        // /bin/echo ran less than a tick with one system-time sample: all its CPU is system time.
        ProcessResources echo = ((ExitEvent) decode(new RecordDecoder(128), 7).getFirst()).resources();
        assertThat(echo.cpuSysNs()).isEqualTo(249_360L);
        assertThat(echo.cpuUserNs()).isZero();
    }

    @Test
    void resourceFlagsTheKernelDidNotSetLeaveFiguresUnknown() throws IOException {
        ByteBuffer exit = record(18);
        exit.putInt(RecordLayout.X_RES_FLAGS, RecordLayout.BT_RES_CPU);
        ProcessResources r = ((ExitEvent) decode(exit)).resources();
        assertThat(r.cpuNs()).isEqualTo(5_545_273L);
        assertThat(r.maxRssKb()).isEqualTo(ProcessResources.UNKNOWN);
        assertThat(r.readBytes()).isEqualTo(ProcessResources.UNKNOWN);
        assertThat(r.runqDelayNs()).isEqualTo(ProcessResources.UNKNOWN);
        exit.putInt(RecordLayout.X_RES_FLAGS, 0);
        assertThat(((ExitEvent) decode(exit)).resources()).isNull();
    }

    private static Event decode(ByteBuffer b) {
        List<Event> out = new ArrayList<>();
        new RecordDecoder(128).decode(b, out::add);
        return out.getFirst();
    }

    @Test
    void aCloneThatCreatesNamespacesAlsoYieldsANamespaceEvent() throws IOException {
        ByteBuffer fork = record(0);
        fork.putLong(RecordLayout.F_CLONE_FLAGS, Namespace.PID.cloneFlag() | Namespace.NET.cloneFlag() | 17);
        List<Event> out = new ArrayList<>();
        new RecordDecoder(128).decode(fork, out::add);
        assertThat(out).hasSize(2);
        NamespaceEvent ns = (NamespaceEvent) out.get(1);
        assertThat(ns.op()).isEqualTo(NamespaceEvent.Op.CLONE);
        assertThat(ns.namespaces()).containsExactly(Namespace.PID, Namespace.NET);
        assertThat(ns.task().pid()).isEqualTo(8422);
    }

    @Test
    void shortOrUnknownRecordsAreCountedNotThrown() throws IOException {
        RecordDecoder d = new RecordDecoder(128);
        List<Event> out = new ArrayList<>();
        d.decode(ByteBuffer.allocate(10), out::add);
        d.decode(record(6).limit(100), out::add); // an exec cut inside its filename
        ByteBuffer unknown = record(3);
        unknown.putInt(RecordLayout.H_TYPE, 99);
        d.decode(unknown, out::add);
        assertThat(out).isEmpty();
        assertThat(d.malformed()).isEqualTo(3);
    }

    static ByteBuffer cgroupRecord(int type, long id, String path, int flags) {
        ByteBuffer b = ByteBuffer.allocate(RecordLayout.CGROUP_SIZE).order(ByteOrder.nativeOrder());
        b.putInt(RecordLayout.H_TYPE, type);
        b.putLong(RecordLayout.G_ID, id);
        b.putInt(RecordLayout.G_FLAGS, flags);
        b.put(RecordLayout.G_PATH, path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return b;
    }

    @Test
    void cgroupRecordsGoToTheListenerNotTheEventStreamAndATruncatedPathIsNotBelieved() {
        ToldCgroups listener = new ToldCgroups();
        List<String> told = listener.told;
        RecordDecoder d = new RecordDecoder(128, listener);
        List<Event> out = new ArrayList<>();
        d.decode(cgroupRecord(RecordLayout.BT_CGROUP_MKDIR, 5, "/docker/abc", 0), out::add);
        d.decode(cgroupRecord(RecordLayout.BT_CGROUP_MKDIR, 6, "/docker/cut-sh", RecordLayout.BT_CGROUP_PATH_TRUNCATED),
                out::add);
        d.decode(cgroupRecord(RecordLayout.BT_CGROUP_RMDIR, 5, "/docker/abc", 0), out::add);
        d.decode(cgroupRecord(RecordLayout.BT_CGROUP_MKDIR, 7, "/short", 0).limit(RecordLayout.G_PATH), out::add);
        assertThat(out).isEmpty();
        assertThat(told).containsExactly("made 5 /docker/abc", "removed 5");
        assertThat(d.malformed()).as("the record cut short").isEqualTo(1);
    }
}
