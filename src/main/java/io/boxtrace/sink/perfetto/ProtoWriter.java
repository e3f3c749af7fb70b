package io.boxtrace.sink.perfetto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, by hand (varint, length-delimited, fixed64), enough for Perfetto's
 * trace messages without generated code. One message per instance; nested messages are written
 * into their own instance and embedded with {@link #message}. Not thread-safe.
 */
final class ProtoWriter {

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LEN = 2;

    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(64);

    ProtoWriter varint(int field, long value) {
        tag(field, VARINT);
        raw(value);
        return this;
    }

    /** int32 fields: negative values are sign-extended to 64 bits, as protobuf requires. */
    ProtoWriter int32(int field, int value) {
        return varint(field, value);
    }

    ProtoWriter fixed64(int field, long value) {
        tag(field, FIXED64);
        for (int i = 0; i < 8; i++) {
            buf.write((int) (value >>> (8 * i)) & 0xff);
        }
        return this;
    }

    ProtoWriter dbl(int field, double value) {
        return fixed64(field, Double.doubleToRawLongBits(value));
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter nested) {
        return bytes(field, nested.toByteArray());
    }

    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LEN);
        raw(value.length);
        buf.write(value, 0, value.length);
        return this;
    }

    byte[] toByteArray() {
        return buf.toByteArray();
    }

    private void tag(int field, int wireType) {
        raw(((long) field << 3) | wireType);
    }

    private void raw(long v) {
        while ((v & ~0x7fL) != 0) {
            buf.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.write((int) v);
    }
}
