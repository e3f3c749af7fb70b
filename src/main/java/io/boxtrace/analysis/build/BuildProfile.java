package io.boxtrace.analysis.build;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The profile of one image build. Immutable; safe to share between threads.
 *
 * @param builder   which builder ran it
 * @param command   the build command as run
 * @param startedAt wall time of {@code startNs}
 * @param startNs   CLOCK_MONOTONIC ns when the build command was started (offsets are from here)
 * @param endNs     when it exited
 * @param exitCode  its exit status
 * @param steps     every step in the builder's order
 * @param notices   one-line notices for the user (unrecognised output, lost argv, ...)
 */
public record BuildProfile(Builder builder, List<String> command, Instant startedAt, long startNs, long endNs,
                           int exitCode, List<StepProfile> steps, List<String> notices) {

    public BuildProfile {
        command = List.copyOf(command);
        steps = List.copyOf(steps);
        notices = List.copyOf(notices);
    }

    public long durationNs() {
        return endNs - startNs;
    }

    /**
     * This profile with each step's cgroup pressure totals, asked by the step's container id (the
     * cgroups are gone by now: the figures were read while they existed).
     */
    public BuildProfile withPressure(java.util.function.Function<String, Optional<StepResources.Pressure>> byContainer) {
        List<StepProfile> with = steps.stream().map(s -> s.containerId() == null ? s
                : byContainer.apply(s.containerId()).map(s::withPressure).orElse(s)).toList();
        return new BuildProfile(builder, command, startedAt, startNs, endNs, exitCode, with, notices);
    }

    /** The n slowest steps that ran (not cached), slowest first. */
    public List<StepProfile> slowestSteps(int n) {
        return steps.stream().filter(s -> s.step() == null || !s.step().cached())
                .sorted(Comparator.comparingLong(StepProfile::durationNs).reversed()).limit(n).toList();
    }

    /**
     * The n slowest commands across the build, slowest first. A step's top-level shell that ran
     * other commands is left out: it would always top the list and say nothing new.
     */
    public List<CommandNode> slowestCommands(int n) {
        return steps.stream().flatMap(s -> s.processes().stream().flatMap(
                        root -> root.children().isEmpty() ? root.flatten() : root.children().stream().flatMap(CommandNode::flatten)))
                .sorted(Comparator.comparingLong(CommandNode::durationNs).reversed()).limit(n).toList();
    }

    /** The step that failed, if any. */
    public Optional<StepProfile> failedStep() {
        return steps.stream().filter(s -> s.step() != null && s.step().failed()).findFirst()
                .or(() -> steps.stream().filter(s -> s.processes().stream().anyMatch(CommandNode::failed)).reduce((a, b) -> b));
    }

    /**
     * The command that made a step fail: the failed command that ended first (in {@code a && b && c}
     * with b failing, b rather than the shell that exits after it passing its status on).
     */
    public static Optional<CommandNode> failedCommand(StepProfile step) {
        return step.commands().filter(c -> c.failed() && c.endNs() != 0)
                .min(Comparator.comparingLong(CommandNode::endNs).thenComparing(Comparator.comparingLong(CommandNode::startNs).reversed()));
    }

    /** The chain of steps that determined the wall time (see {@link CriticalPath}). */
    public CriticalPath criticalPath() {
        return CriticalPath.of(steps);
    }

    /** Commands whose argv was lost (the proc connector read /proc too late). */
    public long lostArgvCount() {
        return steps.stream().flatMap(StepProfile::commands).filter(CommandNode::argvLost).count();
    }
}
