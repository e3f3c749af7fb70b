package io.boxtrace.analysis.builddiff;

import java.util.List;
import java.util.Locale;

/**
 * What changed between two builds: the whole build's wall time, each step matched by instruction
 * and, inside matched steps, the commands that changed. Figures are milliseconds (memory: bytes);
 * a side is null where the step or command is absent there or the figure unknown. Immutable.
 *
 * @param oldName    the first profile as the user named it
 * @param newName    the second
 * @param oldBuilder builder of the first profile
 * @param newBuilder builder of the second
 * @param wallMs     the builds' wall times
 * @param steps      old steps in order, with added steps where they appear in the new build
 * @param notices    how the match was made where it is not exact (different builders, unnamed steps)
 */
public record BuildDiffReport(String oldName, String newName, String oldBuilder, String newBuilder, Pair wallMs,
                              List<StepDiff> steps, List<String> notices) {

    public BuildDiffReport {
        steps = List.copyOf(steps);
        notices = List.copyOf(notices);
    }

    /** A figure in the old and the new build. */
    public record Pair(Double oldValue, Double newValue) {

        /** new − old, or null when either is missing. */
        public Double delta() {
            return oldValue == null || newValue == null ? null : newValue - oldValue;
        }

        /** The change in percent of the old value, or null when it cannot be said. */
        public Double percent() {
            Double d = delta();
            return d == null || oldValue == 0 ? null : 100 * d / oldValue;
        }
    }

    /** One step; {@code instruction} as in the new build (or the old one when removed). */
    public record StepDiff(String instruction, Change change, Pair wallMs, Pair cpuMs, Pair peakMemoryBytes,
                           List<CommandDiff> commands) {
        public StepDiff {
            commands = List.copyOf(commands);
        }
    }

    /** One command, by its normalised argv; {@code args} as run in the new build (old when removed). */
    public record CommandDiff(List<String> args, Change change, Pair wallMs, Pair cpuMs) {
        public CommandDiff {
            args = List.copyOf(args);
        }
    }

    /** Stable names in JSON. */
    public enum Change {
        SLOWER, FASTER, SAME, ADDED, REMOVED, CACHE_LOST, CACHE_GAINED;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How much slower the new build is, in percent of the old (negative: faster). */
    public double slowerPercent() {
        Double p = wallMs.percent();
        return p == null ? 0 : p;
    }
}
