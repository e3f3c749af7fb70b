package io.boxtrace.source.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.CommEvent;
import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decodes datagrams captured from the real kernel (CaptureFixtures): a shell (pid 2305, forked by
 * the JVM 2285) renamed itself "fixture", ran a child exiting 3 (2306) and one killed by SIGKILL
 * (2308); in between the JVM started its "process reaper" thread (tid 2307).
 */
class ProcConnectorDecoderTest {

    static ByteBuffer fixture(int n) throws IOException {
        try (InputStream in = ProcConnectorDecoderTest.class.getResourceAsStream(String.format("/netlink/dgram-%03d.bin", n))) {
            return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.nativeOrder());
        }
    }

    private static List<Event> decodeAll(ProcConnectorDecoder d) throws IOException {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i <= 14; i++) {
            assertThat(d.decode(fixture(i), out::add)).as("no gap in a clean capture").isZero();
        }
        return out;
    }

    @Test
    void decodesTheCapturedWorkload() throws IOException {
        ProcConnectorDecoder d = new ProcConnectorDecoder();
        List<Event> events = decodeAll(d);
        assertThat(d.malformed()).isZero();
        assertThat(events).hasSize(14); // dgram-000 is the subscription ack

        ForkEvent shellFork = (ForkEvent) events.get(0);
        assertThat(shellFork.parent().pid()).isEqualTo(2285);
        assertThat(shellFork.childPid()).isEqualTo(2305);
        assertThat(shellFork.isThread()).isFalse();
        assertThat(shellFork.timeNs()).isEqualTo(2_669_528_199_543L);

        ExecEvent exec = (ExecEvent) events.get(1);
        assertThat(exec.task().pid()).isEqualTo(2305);
        assertThat(exec.detail()).as("argv comes from /proc, later").isEqualTo(ExecEvent.ArgvSource.GONE);

        CommEvent comm = (CommEvent) events.get(3);
        assertThat(comm.comm()).isEqualTo("fixture\n");

        ForkEvent thread = (ForkEvent) events.get(6);
        assertThat(thread.isThread()).isTrue();
        assertThat(thread.childPid()).isEqualTo(2285);
        assertThat(thread.childTid()).isEqualTo(2307);

        ExitEvent exit3 = (ExitEvent) events.get(7);
        assertThat(exit3.task().pid()).isEqualTo(2306);
        assertThat(exit3.task().ppid()).isEqualTo(2305);
        assertThat(exit3.exitCode()).isEqualTo(3);
        assertThat(exit3.killedBySignal()).isFalse();

        ExitEvent killed = (ExitEvent) events.get(10);
        assertThat(killed.task().pid()).isEqualTo(2308);
        assertThat(killed.signal()).isEqualTo(9);

        ExitEvent shellExit = (ExitEvent) events.get(11);
        assertThat(shellExit.task().pid()).isEqualTo(2305);
        assertThat(shellExit.exitCode()).isZero();
    }

    @Test
    void countsAGapInOneCpusSequenceAsLostMessages() throws IOException {
        ProcConnectorDecoder d = new ProcConnectorDecoder();
        ByteBuffer first = fixture(1);
        ByteBuffer later = fixture(2);
        // Pretend the kernel dropped 41 messages between the two: bump the second's cn_msg.seq.
        int seqOffset = ProcConnector.NLMSG_HDRLEN + 8;
        int cpuOffset = ProcConnector.NLMSG_HDRLEN + ProcConnector.CN_MSG_LEN + ProcConnector.EV_CPU;
        later.putInt(cpuOffset, first.getInt(cpuOffset));
        later.putInt(seqOffset, first.getInt(seqOffset) + 42);
        assertThat(d.decode(first, e -> { })).isZero();
        assertThat(d.decode(later, e -> { })).isEqualTo(41);
        assertThat(d.lost()).isEqualTo(41);
    }

    @Test
    void truncatedOrForeignDatagramsAreCountedNotThrown() throws IOException {
        ProcConnectorDecoder d = new ProcConnectorDecoder();
        ByteBuffer whole = fixture(5);
        ByteBuffer cut = whole.duplicate().order(ByteOrder.nativeOrder()).limit(30);
        List<Event> out = new ArrayList<>();
        d.decode(cut, out::add);
        ByteBuffer foreign = fixture(5);
        foreign.putInt(ProcConnector.NLMSG_HDRLEN, 99); // another connector's idx
        d.decode(foreign, out::add);
        d.decode(ByteBuffer.allocate(3), out::add);
        assertThat(out).isEmpty();
        assertThat(d.malformed()).isEqualTo(2);
    }
}
