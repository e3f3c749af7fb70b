package io.boxtrace.source.audit;

import io.boxtrace.internal.ffm.Errno;
import io.boxtrace.internal.ffm.NativeException;
import io.boxtrace.internal.ffm.NetlinkSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Requests to the kernel's audit subsystem over one NETLINK_AUDIT socket, each answered before the
 * next is sent: status get/set, rule add/delete/list. Datagrams that are not the answer (event
 * records, when this is the daemon's socket) go to a stray handler instead of being lost.
 *
 * <p>Not thread-safe: one thread at a time (the caller serialises).
 */
public final class AuditControl {

    private static final long ANSWER_TIMEOUT_NS = 2_000_000_000L;

    private final NetlinkSocket socket;
    private int seq = 1;

    public AuditControl(NetlinkSocket socket) {
        this.socket = socket;
    }

    public AuditStatus status(Consumer<ByteBuffer> stray) throws NativeException {
        List<ByteBuffer> answer = exchange(AuditMessages.GET, new byte[0], "AUDIT_GET", stray, true);
        if (answer.isEmpty()) {
            throw new NativeException("AUDIT_GET (no status in the answer)", Errno.EINVAL);
        }
        return AuditStatus.decode(answer.getFirst());
    }

    public void set(byte[] status, String what, Consumer<ByteBuffer> stray) throws NativeException {
        exchange(AuditMessages.SET, status, what, stray, false);
    }

    public void addRule(byte[] rule) throws NativeException {
        exchange(AuditMessages.ADD_RULE, rule, "AUDIT_ADD_RULE", null, false);
    }

    public void deleteRule(byte[] rule) throws NativeException {
        exchange(AuditMessages.DEL_RULE, rule, "AUDIT_DEL_RULE", null, false);
    }

    /** Every rule the kernel holds, as raw audit_rule_data (what {@link #deleteRule} takes back). */
    public List<byte[]> listRules() throws NativeException {
        int s = seq++;
        socket.send(AuditNetlink.request(AuditMessages.LIST_RULES, s, false, new byte[0]));
        List<byte[]> rules = new ArrayList<>();
        long deadline = System.nanoTime() + ANSWER_TIMEOUT_NS;
        while (System.nanoTime() < deadline) {
            ByteBuffer dg = receive("AUDIT_LIST_RULES");
            if (dg == null) {
                continue;
            }
            for (AuditNetlink.Message m : AuditNetlink.split(dg)) {
                if (m.seq() != s) {
                    continue;
                }
                switch (m.type()) {
                    case AuditMessages.LIST_RULES -> {
                        byte[] r = new byte[m.payload().remaining()];
                        m.payload().get(m.payload().position(), r);
                        rules.add(r);
                    }
                    case AuditMessages.NLMSG_DONE -> {
                        return rules;
                    }
                    case AuditMessages.NLMSG_ERROR -> {
                        if (m.error() != 0) {
                            throw new NativeException("AUDIT_LIST_RULES", -m.error());
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        throw new NativeException("AUDIT_LIST_RULES (no answer)", Errno.EAGAIN);
    }

    /**
     * Sends a request with NLM_F_ACK; returns the payloads answered. The kernel may send a reply
     * (AUDIT_GET's status) from a worker after the acknowledgement, so when one is expected both are
     * awaited.
     */
    private List<ByteBuffer> exchange(int type, byte[] payload, String what, Consumer<ByteBuffer> stray,
                                      boolean expectReply) throws NativeException {
        int s = seq++;
        socket.send(AuditNetlink.request(type, s, true, payload));
        List<ByteBuffer> answer = new ArrayList<>(1);
        boolean acked = false;
        long deadline = System.nanoTime() + ANSWER_TIMEOUT_NS;
        while (System.nanoTime() < deadline) {
            ByteBuffer dg = receive(what);
            if (dg == null) {
                continue;
            }
            boolean mine = false;
            for (AuditNetlink.Message m : AuditNetlink.split(dg)) {
                if (m.seq() != s || m.type() >= AuditMessages.SYSCALL) {
                    continue;
                }
                mine = true;
                if (m.type() == AuditMessages.NLMSG_ERROR) {
                    if (m.error() != 0) {
                        throw new NativeException(what, -m.error());
                    }
                    acked = true;
                } else {
                    ByteBuffer copy = ByteBuffer.allocate(m.payload().remaining());
                    copy.put(m.payload().duplicate()).flip();
                    answer.add(copy);
                }
            }
            if (acked && (!expectReply || !answer.isEmpty())) {
                return answer;
            }
            if (!mine && stray != null) {
                stray.accept(dg);
            }
        }
        throw new NativeException(what + " (no answer)", Errno.EAGAIN);
    }

    private ByteBuffer receive(String what) throws NativeException {
        ByteBuffer dg = socket.receive();
        if (dg == null) {
            int errno = socket.lastErrno();
            if (errno != Errno.EAGAIN && errno != Errno.EINTR && errno != Errno.ENOBUFS) {
                throw new NativeException(what + " (recv)", errno);
            }
        }
        return dg;
    }
}
