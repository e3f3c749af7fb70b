package io.boxtrace.event;

/**
 * Events the kernel dropped before we read them. Loss is data: it is reported like any other
 * event, then the process table is healed from /proc.
 *
 * @param source the source that lost them ({@code "netlink"}, {@code "ebpf"}, ...)
 * @param count  how many events were lost, as best the source can count (at least 1)
 * @param reason why, in a few words ({@code "ENOBUFS"}, {@code "ring buffer full"}, {@code "argv unreadable"})
 */
public record LostEvent(long timeNs, String source, long count, String reason) implements Event {
    @Override
    public String type() {
        return "lost";
    }
}
