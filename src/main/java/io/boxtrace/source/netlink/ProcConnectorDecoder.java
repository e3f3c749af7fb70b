package io.boxtrace.source.netlink;

import static io.boxtrace.source.netlink.ProcConnector.*;

import io.boxtrace.event.CommEvent;
import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.IdChangeEvent;
import io.boxtrace.event.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns proc connector datagrams into events. Pure: a ByteBuffer in, events out, so it is tested on
 * datagrams captured from the kernel.
 *
 * <p>Exec events come out with empty args and {@link ExecEvent.ArgvSource#GONE}: the connector
 * carries no argv, the source completes them from /proc.
 *
 * <p>Loss counting: the kernel numbers messages per CPU (cn_msg.seq from a per-CPU counter, and
 * proc_event.cpu says which). A gap in one CPU's sequence is messages dropped for this socket, one
 * ENOBUFS can stand for thousands of them, so gaps are the count, not ENOBUFS.
 *
 * <p>Not thread-safe: one decoder per reader thread (it keeps the per-CPU sequence state).
 */
public final class ProcConnectorDecoder {

    private final Map<Integer, Long> lastSeqByCpu = new HashMap<>();
    private long lost;
    private long malformed;

    /** Decodes every message of one datagram into out; returns how many messages were lost before it. */
    public long decode(ByteBuffer datagram, Consumer<Event> out) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        long lostHere = 0;
        int pos = b.position();
        int end = b.limit();
        while (end - pos >= NLMSG_HDRLEN) {
            int len = b.getInt(pos);
            int type = Short.toUnsignedInt(b.getShort(pos + 4));
            if (len < NLMSG_HDRLEN || len > end - pos) {
                malformed++;
                return lostHere;
            }
            if (type == NLMSG_DONE && len >= NLMSG_HDRLEN + CN_MSG_LEN) {
                lostHere += decodeConnectorMessage(b, pos + NLMSG_HDRLEN, pos + len, out);
            } else if (type == NLMSG_OVERRUN) {
                lostHere++;
            } else if (type != NLMSG_NOOP && type != NLMSG_ERROR) {
                malformed++;
            }
            pos += (len + 3) & ~3; // NLMSG_ALIGN
        }
        lost += lostHere;
        return lostHere;
    }

    private long decodeConnectorMessage(ByteBuffer b, int cn, int end, Consumer<Event> out) {
        int idx = b.getInt(cn);
        int val = b.getInt(cn + 4);
        long seq = Integer.toUnsignedLong(b.getInt(cn + 8));
        int dataLen = Short.toUnsignedInt(b.getShort(cn + 16));
        int ev = cn + CN_MSG_LEN;
        if (idx != CN_IDX_PROC || val != CN_VAL_PROC || dataLen < EV_DATA || ev + dataLen > end) {
            malformed++;
            return 0;
        }
        int what = b.getInt(ev + EV_WHAT);
        int cpu = b.getInt(ev + EV_CPU);
        long time = b.getLong(ev + EV_TIMESTAMP);
        long gap = sequenceGap(cpu, seq, what);
        int d = ev + EV_DATA;
        switch (what) {
            case PROC_EVENT_FORK -> {
                // parent_pid, parent_tgid, child_pid, child_tgid: "pid" is the thread id here.
                Task parent = Task.ids(b.getInt(d + 4), b.getInt(d));
                out.accept(new ForkEvent(time, parent, b.getInt(d + 12), b.getInt(d + 8), 0));
            }
            case PROC_EVENT_EXEC -> out.accept(new ExecEvent(time, Task.ids(b.getInt(d + 4), b.getInt(d)), null,
                    List.of(), false, null, 0, ExecEvent.ArgvSource.GONE));
            case PROC_EVENT_EXIT -> {
                // exit_code is task->exit_code, a wait(2) status; exit_signal is what the parent gets (SIGCHLD).
                Task t = new Task(b.getInt(d + 4), b.getInt(d), b.getInt(d + 20), Task.UNKNOWN, null, 0, 0, Task.UNKNOWN);
                out.accept(ExitEvent.fromWaitStatus(time, t, b.getInt(d + 8)));
            }
            case PROC_EVENT_COMM -> {
                byte[] comm = new byte[16];
                b.get(d + 8, comm);
                int n = 0;
                while (n < comm.length && comm[n] != 0) {
                    n++;
                }
                String name = new String(comm, 0, n, StandardCharsets.UTF_8);
                Task t = new Task(b.getInt(d + 4), b.getInt(d), Task.UNKNOWN, Task.UNKNOWN, name, 0, 0, Task.UNKNOWN);
                out.accept(new CommEvent(time, t, name));
            }
            case PROC_EVENT_UID, PROC_EVENT_GID -> {
                Task t = Task.ids(b.getInt(d + 4), b.getInt(d));
                IdChangeEvent.Kind kind = what == PROC_EVENT_UID ? IdChangeEvent.Kind.UID : IdChangeEvent.Kind.GID;
                out.accept(new IdChangeEvent(time, t, kind, b.getInt(d + 8), b.getInt(d + 12)));
            }
            case PROC_EVENT_NONE, PROC_EVENT_SID, PROC_EVENT_PTRACE, PROC_EVENT_COREDUMP, PROC_EVENT_NONZERO_EXIT -> {
                // NONE is the subscription ack; the others add nothing the exit/fork/exec events do not.
            }
            default -> malformed++;
        }
        return gap;
    }

    /** Messages missing on this CPU since the last one seen; the ack (what = NONE) starts no sequence. */
    private long sequenceGap(int cpu, long seq, int what) {
        if (what == PROC_EVENT_NONE) {
            return 0;
        }
        Long last = lastSeqByCpu.put(cpu, seq);
        if (last == null || seq <= last) {
            return 0; // first message from this CPU, or the counter wrapped/reset
        }
        return seq - last - 1;
    }

    public long lost() {
        return lost;
    }

    public long malformed() {
        return malformed;
    }
}
