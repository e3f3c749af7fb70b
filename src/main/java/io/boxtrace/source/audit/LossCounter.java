package io.boxtrace.source.audit;

/**
 * Counts records lost to receive-buffer overflows of the multicast socket (beside auditd, the
 * kernel drops what does not fit and says only ENOBUFS, once). Every record carries its event's
 * serial, and every serial is multicast, so after an overflow the gap between the serials seen
 * before and after tells how many events went missing; when no gap shows within a while, at least
 * one is reported. Gaps are counted only after an overflow: records of one event may interleave
 * with others', which is no loss.
 *
 * <p>Not thread-safe; the reader thread owns it.
 */
final class LossCounter {

    private long maxSerial = -1;
    private int patience;
    private boolean overflowSeen;
    private long gap;

    /** The socket said ENOBUFS: look for gaps in the next records. */
    void overflowed(int records) {
        patience = records;
        overflowSeen = true;
    }

    void saw(long serial) {
        if (maxSerial >= 0 && serial > maxSerial + 1 && patience > 0) {
            gap += serial - maxSerial - 1;
        }
        if (patience > 0) {
            patience--;
        }
        maxSerial = Math.max(maxSerial, serial);
    }

    /** Events known lost since the last call (at least 1 per overflow once the look-out ends). */
    long takeGap() {
        if (!overflowSeen) {
            return 0;
        }
        if (gap > 0) {
            long g = gap;
            gap = 0;
            overflowSeen = false;
            patience = 0;
            return g;
        }
        if (patience == 0) {
            overflowSeen = false;
            return 1;
        }
        return 0;
    }
}
