package io.boxtrace.source.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One audit record as the kernel sends it over NETLINK_AUDIT: the message type from the netlink
 * header and the text {@code audit(SEC.MSEC:SERIAL): key=value ...}. The records of one kernel
 * event share its serial; their text is ASCII (the kernel hex-encodes any untrusted value holding
 * a quote, a space, a control character or a byte above 0x7e), so it is kept as ISO-8859-1,
 * byte for byte.
 *
 * @param type    the netlink message type ({@link AuditMessages#SYSCALL}, ...)
 * @param epochMs the event's wall-clock time (CLOCK_REALTIME, milliseconds; the kernel's coarse clock)
 * @param serial  the event's serial number, shared by all its records, increasing in kernel order
 * @param body    the text after {@code "): "}
 */
public record AuditRecord(int type, long epochMs, long serial, String body) {

    static final int NLMSG_HDRLEN = 16;

    /**
     * Parses one netlink datagram holding an audit record. The kernel sets nlmsg_len of audit
     * records to the text's length without the header (an old quirk libaudit relies on), so the
     * datagram's own length bounds the text. Returns null for anything that is not a record, and for records of types the decoder does not use
     * ({@link AuditMessages#isDecoded}).
     */
    public static AuditRecord parse(ByteBuffer datagram) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        if (b.remaining() < NLMSG_HDRLEN) {
            return null;
        }
        int start = b.position();
        int type = b.getShort(start + 4) & 0xffff;
        if (!AuditMessages.isDecoded(type)) {
            return null; // not worth a String: most records of an exec storm are PROCTITLE and the like
        }
        int end = b.limit();
        while (end > start + NLMSG_HDRLEN && b.get(end - 1) == 0) {
            end--; // some records carry a trailing NUL
        }
        byte[] text = new byte[end - start - NLMSG_HDRLEN];
        b.get(start + NLMSG_HDRLEN, text);
        return parse(type, new String(text, StandardCharsets.ISO_8859_1));
    }

    /** Parses {@code audit(SEC.MSEC:SERIAL): body}; null when the prefix is malformed. */
    public static AuditRecord parse(int type, String text) {
        if (!text.startsWith("audit(")) {
            return null;
        }
        int dot = text.indexOf('.', 6);
        int colon = text.indexOf(':', 6);
        int close = text.indexOf(')', 6);
        if (dot < 0 || colon < dot || close < colon) {
            return null;
        }
        try {
            long sec = Long.parseLong(text, 6, dot, 10);
            long ms = Long.parseLong(text, dot + 1, colon, 10);
            long serial = Long.parseLong(text, colon + 1, close, 10);
            int bodyStart = Math.min(text.length(), close + 2); // skip "):"
            return new AuditRecord(type, sec * 1000 + ms, serial, text.substring(bodyStart).strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The body's fields, in order (records are parsed once each by the decoder). */
    public AuditFields fields() {
        return AuditFields.parse(body);
    }
}
