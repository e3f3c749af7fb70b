package io.boxtrace.analysis.build;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The chain of steps that determined a build's wall time, for builds whose steps overlap
 * (BuildKit's parallel stages). Profiles carry no dependency edges, so the chain is found from the
 * timeline: start at the step that ended last, and step back each time to the step that ended last
 * before the current one started (the one it most plausibly waited for). For a sequential build
 * that is every step that ran. Cached steps and steps without duration take no part. Immutable.
 *
 * @param steps    the steps on the path, in order
 * @param totalNs  their durations summed
 * @param savings  for each of the (up to) three slowest steps on the path, slowest first, how much
 *                 sooner the build would have ended without it: its successor (or the end) could
 *                 have started when the latest other step that ended before it did, but not
 *                 before the removed step's own start
 */
public record CriticalPath(List<StepProfile> steps, long totalNs, List<Saving> savings) {

    public CriticalPath {
        steps = List.copyOf(steps);
        savings = List.copyOf(savings);
    }

    /** Without {@code step}, the build would have ended about {@code soonerNs} earlier. */
    public record Saving(StepProfile step, long soonerNs) {
    }

    public static CriticalPath of(List<StepProfile> all) {
        List<StepProfile> ran = all.stream().filter(s -> !s.step().cached() && s.durationNs() > 0).toList();
        if (ran.isEmpty()) {
            return new CriticalPath(List.of(), 0, List.of());
        }
        List<StepProfile> path = new ArrayList<>();
        StepProfile current = ran.stream().max(Comparator.comparingLong(StepProfile::endNs)).orElseThrow();
        while (current != null) {
            path.addFirst(current);
            long start = current.startNs();
            current = ran.stream().filter(s -> !path.contains(s) && s.endNs() <= start)
                    .max(Comparator.comparingLong(StepProfile::endNs)).orElse(null);
        }
        long total = path.stream().mapToLong(StepProfile::durationNs).sum();
        List<Saving> savings = path.stream().sorted(Comparator.comparingLong(StepProfile::durationNs).reversed()).limit(3)
                .map(s -> new Saving(s, sooner(s, path, ran))).toList();
        return new CriticalPath(path, total, savings);
    }

    /** How much earlier the next step on the path (or the build's end) could have started without {@code removed}. */
    private static long sooner(StepProfile removed, List<StepProfile> path, List<StepProfile> ran) {
        int i = path.indexOf(removed);
        long waitedUntil = i + 1 < path.size() ? path.get(i + 1).startNs() : removed.endNs();
        long otherwise = ran.stream().filter(s -> s != removed && s.endNs() <= waitedUntil)
                .mapToLong(StepProfile::endNs).max().orElse(removed.startNs());
        long from = Math.max(removed.startNs(), otherwise);
        return Math.max(0, Math.min(removed.durationNs(), waitedUntil - from));
    }

    public boolean contains(StepProfile s) {
        return steps.contains(s);
    }
}
