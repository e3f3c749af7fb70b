package io.boxtrace.source.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Netlink framing for audit requests and their replies: a request is an nlmsghdr plus payload; a
 * reply datagram may hold several messages, each with a correct nlmsg_len (unlike event records).
 */
public final class AuditNetlink {

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;

    /** One reply message: type, sequence number and payload (a view valid until the next receive). */
    public record Message(int type, int seq, ByteBuffer payload) {

        /** For NLMSG_ERROR: 0 for an acknowledgement, else the negative errno. */
        public int error() {
            return payload.remaining() >= 4 ? payload.order(ByteOrder.nativeOrder()).getInt(payload.position()) : 0;
        }
    }

    private AuditNetlink() {
    }

    public static byte[] request(int type, int seq, boolean ack, byte[] payload) {
        int len = AuditRecord.NLMSG_HDRLEN + payload.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putInt(len).putShort((short) type).putShort((short) (NLM_F_REQUEST | (ack ? NLM_F_ACK : 0)))
                .putInt(seq).putInt(0).put(payload);
        return b.array();
    }

    /** Splits a reply datagram into its messages. */
    public static List<Message> split(ByteBuffer datagram) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<Message> out = new ArrayList<>(1);
        int pos = b.position();
        while (b.limit() - pos >= AuditRecord.NLMSG_HDRLEN) {
            int len = b.getInt(pos);
            int type = b.getShort(pos + 4) & 0xffff;
            int seq = b.getInt(pos + 8);
            if (len < AuditRecord.NLMSG_HDRLEN || pos + len > b.limit()) {
                // an event record (nlmsg_len without the header) or a short one: the rest is its payload
                out.add(new Message(type, seq, b.slice(pos + AuditRecord.NLMSG_HDRLEN,
                        b.limit() - pos - AuditRecord.NLMSG_HDRLEN).order(ByteOrder.nativeOrder())));
                break;
            }
            out.add(new Message(type, seq, b.slice(pos + AuditRecord.NLMSG_HDRLEN, len - AuditRecord.NLMSG_HDRLEN)
                    .order(ByteOrder.nativeOrder())));
            pos += (len + 3) & ~3;
        }
        return out;
    }
}
