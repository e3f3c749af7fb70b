package io.boxtrace.source.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct audit_status (include/uapi/linux/audit.h): eleven u32 in host order. Older kernels send a
 * shorter struct; missing fields read as 0.
 *
 * @param enabled         0 off, 1 on, 2 on and locked (rules cannot change until reboot)
 * @param pid             the registered audit daemon's pid, 0 when none
 * @param backlogLimit    records the kernel queues before it waits or drops
 * @param lost            records dropped since boot (backlog overflow, rate limit, memory)
 * @param backlogWaitTime how long (jiffies) a task waits for room in a full backlog before its record is dropped
 */
public record AuditStatus(int mask, int enabled, int failure, int pid, int rateLimit, int backlogLimit, long lost,
                          int backlog, int featureBitmap, int backlogWaitTime) {

    public static final int SIZE = 44;
    public static final int MASK_ENABLED = 0x1;
    public static final int MASK_PID = 0x4;
    public static final int MASK_BACKLOG_LIMIT = 0x10;

    public static AuditStatus decode(ByteBuffer payload) {
        ByteBuffer b = payload.slice().order(ByteOrder.nativeOrder());
        int[] v = new int[11];
        for (int i = 0; i < v.length && b.remaining() >= 4; i++) {
            v[i] = b.getInt();
        }
        return new AuditStatus(v[0], v[1], v[2], v[3], v[4], v[5], Integer.toUnsignedLong(v[6]), v[7], v[8], v[9]);
    }

    /** An AUDIT_SET payload changing only the fields named in mask. */
    public static byte[] set(int mask, int enabled, int pid, int backlogLimit) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putInt(0, mask).putInt(4, enabled).putInt(12, pid).putInt(20, backlogLimit);
        return b.array();
    }
}
