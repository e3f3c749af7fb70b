package io.boxtrace.analysis.builddiff;

import io.boxtrace.analysis.builddiff.BuildDiffReport.Change;
import io.boxtrace.analysis.builddiff.BuildDiffReport.CommandDiff;
import io.boxtrace.analysis.builddiff.BuildDiffReport.Pair;
import io.boxtrace.analysis.builddiff.BuildDiffReport.StepDiff;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compares two build profiles (docs/build.md, "build diff"). Steps are matched by instruction
 * (normalised: {@link ArgvNormaliser#instructionKey}), the k-th occurrence of an instruction with
 * the k-th; unnamed steps (build --attach, --from) by their order among unnamed steps. Inside a
 * matched step, commands are matched the same way by normalised argv. A matched pair is
 * {@code cache_lost}/{@code cache_gained} when only one side was cached, else {@code slower} or
 * {@code faster} when its wall time moved by at least {@link #MIN_CHANGE_PERCENT} % and
 * {@link #MIN_CHANGE_MS} ms, else {@code same}. Stateless.
 */
public final class BuildDiff {

    /** A change smaller than this share of the old time is noise (run-to-run spread on a busy host). */
    public static final double MIN_CHANGE_PERCENT = 10;
    /** ... or smaller than this in absolute terms. */
    public static final double MIN_CHANGE_MS = 50;

    private BuildDiff() {
    }

    public static BuildDiffReport compare(String oldName, ProfileDocument before, String newName, ProfileDocument after) {
        List<String> notices = new ArrayList<>();
        if (!before.builder().equals(after.builder())) {
            notices.add("the builds ran on different builders (" + before.builder() + ", " + after.builder()
                    + "): steps matched by instruction as a best effort; builder-specific steps show as added or removed");
        }
        if (before.steps().stream().anyMatch(s -> s.instruction() == null) || after.steps().stream().anyMatch(s -> s.instruction() == null)) {
            notices.add("unnamed steps (build --attach, --from) are matched by their order");
        }
        List<StepDiff> steps = new ArrayList<>();
        for (Matched<ProfileDocument.Step> m : match(before.steps(), after.steps(), BuildDiff::stepKey)) {
            steps.add(step(m.before(), m.after()));
        }
        return new BuildDiffReport(oldName, newName, before.builder(), after.builder(),
                new Pair(before.wallMs(), after.wallMs()), steps, notices);
    }

    private static String stepKey(ProfileDocument.Step s) {
        return s.instruction() == null ? "\0unnamed" : ArgvNormaliser.instructionKey(s.instruction());
    }

    private static StepDiff step(ProfileDocument.Step a, ProfileDocument.Step b) {
        ProfileDocument.Step shown = b != null ? b : a;
        Change change;
        if (a == null) {
            change = Change.ADDED;
        } else if (b == null) {
            change = Change.REMOVED;
        } else if (a.cached() && !b.cached()) {
            change = Change.CACHE_LOST;
        } else if (!a.cached() && b.cached()) {
            change = Change.CACHE_GAINED;
        } else {
            change = timing(a.wallMs(), b.wallMs());
        }
        List<CommandDiff> commands = new ArrayList<>();
        List<ProfileDocument.Command> oldCommands = a == null ? List.of() : a.commands();
        List<ProfileDocument.Command> newCommands = b == null ? List.of() : b.commands();
        for (Matched<ProfileDocument.Command> m : match(oldCommands, newCommands, c -> ArgvNormaliser.key(c.args()))) {
            ProfileDocument.Command c = m.after() != null ? m.after() : m.before();
            Change cc = m.before() == null ? Change.ADDED : m.after() == null ? Change.REMOVED
                    : timing(m.before().wallMs(), m.after().wallMs());
            commands.add(new CommandDiff(c.args(), cc,
                    new Pair(m.before() == null ? null : m.before().wallMs(), m.after() == null ? null : m.after().wallMs()),
                    new Pair(m.before() == null ? null : m.before().cpuMs(), m.after() == null ? null : m.after().cpuMs())));
        }
        return new StepDiff(shown.instruction(), change,
                new Pair(a == null ? null : a.wallMs(), b == null ? null : b.wallMs()),
                new Pair(a == null ? null : a.cpuMs(), b == null ? null : b.cpuMs()),
                new Pair(a == null || a.peakMemoryBytes() == null ? null : a.peakMemoryBytes().doubleValue(),
                        b == null || b.peakMemoryBytes() == null ? null : b.peakMemoryBytes().doubleValue()),
                commands);
    }

    static Change timing(double oldMs, double newMs) {
        double d = newMs - oldMs;
        if (Math.abs(d) < MIN_CHANGE_MS || Math.abs(d) < oldMs * MIN_CHANGE_PERCENT / 100) {
            return Change.SAME;
        }
        return d > 0 ? Change.SLOWER : Change.FASTER;
    }

    record Matched<T>(T before, T after) {
    }

    /**
     * Pairs the k-th item of each key in both lists. The result follows the new list's order, with
     * items only in the old list placed before the first matched item that followed them there.
     */
    static <T> List<Matched<T>> match(List<T> before, List<T> after, Function<T, String> key) {
        Map<String, List<Integer>> oldByKey = new LinkedHashMap<>();
        for (int i = 0; i < before.size(); i++) {
            oldByKey.computeIfAbsent(key.apply(before.get(i)), k -> new ArrayList<>()).add(i);
        }
        Map<String, Integer> used = new HashMap<>();
        List<Matched<T>> matched = new ArrayList<>();
        List<Integer> oldIndex = new ArrayList<>(); // per matched entry: its old index, or -1
        boolean[] paired = new boolean[before.size()];
        for (T b : after) {
            String k = key.apply(b);
            int n = used.merge(k, 1, Integer::sum) - 1;
            List<Integer> olds = oldByKey.getOrDefault(k, List.of());
            if (n < olds.size()) {
                paired[olds.get(n)] = true;
                matched.add(new Matched<>(before.get(olds.get(n)), b));
                oldIndex.add(olds.get(n));
            } else {
                matched.add(new Matched<>(null, b));
                oldIndex.add(-1);
            }
        }
        // Items only in the old list go before the first matched item that followed them there.
        List<Matched<T>> result = new ArrayList<>();
        boolean[] emitted = new boolean[before.size()];
        for (int i = 0; i < matched.size(); i++) {
            int j = oldIndex.get(i);
            for (int o = 0; o < j; o++) {
                if (!paired[o] && !emitted[o]) {
                    emitted[o] = true;
                    result.add(new Matched<>(before.get(o), null));
                }
            }
            result.add(matched.get(i));
        }
        for (int o = 0; o < before.size(); o++) {
            if (!paired[o] && !emitted[o]) {
                result.add(new Matched<>(before.get(o), null));
            }
        }
        return result;
    }
}
