package io.boxtrace.source.audit;

import java.util.List;

/**
 * The records of one kernel audit event (one serial), in the order they arrived.
 *
 * @param complete   false when the event was closed by the timeout or the memory bound rather than
 *                   by its EOE record (some records may be missing)
 * @param overflowed true when EXECVE records were dropped because the event passed its byte bound
 */
public record AuditRecordGroup(long serial, long epochMs, List<AuditRecord> records, boolean complete,
                               boolean overflowed) {

    public AuditRecordGroup {
        records = List.copyOf(records);
    }

    /** The first record of this type, or null. */
    public AuditRecord first(int type) {
        for (AuditRecord r : records) {
            if (r.type() == type) {
                return r;
            }
        }
        return null;
    }

    /** Every record of this type, in arrival order. */
    public List<AuditRecord> all(int type) {
        return records.stream().filter(r -> r.type() == type).toList();
    }
}
