package io.boxtrace.state;

/**
 * Counters of the process table.
 *
 * @param live          processes alive now
 * @param exited        exited processes still kept for late events (bounded by time and count)
 * @param held          events waiting for their parent in the retry queue
 * @param releasedLate  held events released without their parent ever showing up
 * @param pidReuses     forks for a pid the table still thought alive (its exit was missed)
 * @param heals         reconciliations with /proc
 * @param lazyCreated   processes first seen through an event other than fork (created from /proc or the event)
 */
public record TableStats(int live, int exited, int held, long releasedLate, long pidReuses, long heals,
                         long lazyCreated) {
}
