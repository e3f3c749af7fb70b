package io.boxtrace.analysis.build;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

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
 * @param commands inside each step on the path, the chain of commands that determined when it
 *                 ended ({@link #commandChain}), outermost first
 */
public record CriticalPath(List<StepProfile> steps, long totalNs, List<Saving> savings,
                           Map<StepProfile, List<CommandNode>> commands) {

    /** A parent that ended this soon after its last child was waiting for it (a shell's `wait`, `a && b`). */
    static final long WAITED_NS = 50_000_000L;

    public CriticalPath {
        steps = List.copyOf(steps);
        savings = List.copyOf(savings);
        commands = Map.copyOf(commands);
    }

    /**
     * The commands that determined when a step ended: its top-level command that ended last, then,
     * while the current one ended within {@value #WAITED_NS} ns of its own child that ended last (it
     * was waiting for it; a program exec'd in place ends with its process), that child. A command
     * that went on working after its children stops the chain: its own work was the tail.
     */
    public static List<CommandNode> commandChain(StepProfile step) {
        List<CommandNode> chain = new ArrayList<>();
        CommandNode current = step.processes().stream().max(Comparator.comparingLong(CriticalPath::end)).orElse(null);
        while (current != null) {
            chain.add(current);
            CommandNode parent = current;
            current = parent.children().stream().max(Comparator.comparingLong(CriticalPath::end))
                    .filter(k -> end(parent) - end(k) <= WAITED_NS).orElse(null);
        }
        return chain;
    }

    /** True when c is on the chain of a step on the path. */
    public boolean containsCommand(CommandNode c) {
        return commands.values().stream().anyMatch(chain -> chain.stream().anyMatch(k -> k == c));
    }

    private static long end(CommandNode c) {
        return c.endNs() == 0 ? Long.MAX_VALUE : c.endNs(); // still running at the end: it ended last
    }

    /** Without {@code step}, the build would have ended about {@code soonerNs} earlier. */
    public record Saving(StepProfile step, long soonerNs) {
    }

    public static CriticalPath of(List<StepProfile> all) {
        List<StepProfile> ran = all.stream().filter(s -> !s.step().cached() && s.durationNs() > 0).toList();
        if (ran.isEmpty()) {
            return new CriticalPath(List.of(), 0, List.of(), Map.of());
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
        Map<StepProfile, List<CommandNode>> chains = new java.util.IdentityHashMap<>();
        path.forEach(st -> chains.put(st, commandChain(st)));
        return new CriticalPath(path, total, savings, chains);
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
