package io.boxtrace.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A user namespace's uid mapping ({@code /proc/PID/uid_map}: lines of inside, outside, count), for
 * containers run in a user namespace (rootless Podman, bwrap, user-namespaced runtimes), so that a
 * process shows both its uid on the host and the uid it has inside. The identity mapping of the
 * host's own namespace ({@code 0 0 4294967295}) is no mapping. Carried on the container as the
 * label {@value #LABEL} in its file form with lines joined by commas, bounded to
 * {@value #MAX_RANGES} ranges (the kernel's own limit is 340). Immutable; thread-safe.
 */
public record UidMap(List<Range> ranges) {

    public static final String LABEL = "boxtrace.uid_map";
    private static final int MAX_RANGES = 16;

    /** uids {@code inside .. inside+count-1} are {@code outside .. outside+count-1} on the host. */
    public record Range(long inside, long outside, long count) {
    }

    public UidMap {
        ranges = List.copyOf(ranges);
    }

    /** Parses uid_map text (newline- or comma-separated lines); empty for the identity or garbage. */
    public static Optional<UidMap> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        List<Range> out = new ArrayList<>();
        for (String line : text.split("[\n,]")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3) {
                continue;
            }
            try {
                out.add(new Range(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (out.size() > MAX_RANGES) {
                return Optional.empty();
            }
        }
        if (out.isEmpty() || (out.size() == 1 && out.getFirst().inside() == 0 && out.getFirst().outside() == 0)) {
            return Optional.empty();
        }
        return Optional.of(new UidMap(out));
    }

    /** The uid inside the namespace of a host uid, or -1 when it is not mapped (shown as nobody there). */
    public long inside(long hostUid) {
        for (Range r : ranges) {
            if (hostUid >= r.outside() && hostUid < r.outside() + r.count()) {
                return r.inside() + (hostUid - r.outside());
            }
        }
        return -1;
    }

    /** The label form: {@code "0 1001 1,1 100000 65536"}. */
    public String label() {
        StringBuilder sb = new StringBuilder();
        for (Range r : ranges) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(r.inside()).append(' ').append(r.outside()).append(' ').append(r.count());
        }
        return sb.toString();
    }
}
