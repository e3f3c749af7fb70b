package io.boxtrace.analysis.build;

import io.boxtrace.container.ContainerRuntime;

import io.boxtrace.analysis.build.StepProfile.Attribution;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ties the steps the builder reported to the containers the analysis saw, and builds the
 * {@link BuildProfile}. How a container is tied to a step depends on what each builder lets us
 * know for certain (docs/build.md, "Attribution"):
 * <ul>
 * <li>classic: the step's {@code Running in <id>} is the container id, which is its cgroup: exact;</li>
 * <li>podman: only containers whose processes descend from our podman process, in step order: exact
 *     for Buildah's one-step-at-a-time execution;</li>
 * <li>BuildKit: the executor id is random and never printed; it is tied by facts it carries (its
 *     snapshot in the build's image, its overlay chain, its environment), else by the step's window
 *     ({@link BuildKitTies}).</li>
 * </ul>
 * Stateless; call after the pipeline stopped.
 */
public final class BuildProfileAssembler {

    /** BuildKit prints a vertex a little after its executor started when it was busy printing another. */
    static final long WINDOW_SLACK_NS = 250_000_000L;
    /**
     * BuildKit prints durations to 0.1 s and its DONE line trails the executor's exit by tens of ms:
     * two candidates closer than this to the step's timing cannot be told apart.
     */
    static final long AMBIGUITY_NS = 150_000_000L;

    private BuildProfileAssembler() {
    }

    public static BuildProfile assemble(Builder builder, List<BuildStep> steps, BuildProfileAnalysis analysis,
                                        List<String> command, Instant startedAt, long startNs, long endNs, int exitCode) {
        return assemble(builder, steps, analysis, command, startedAt, startNs, endNs, exitCode, Set.of());
    }

    /**
     * @param imageLayers BuildKit: the layer directories of the image this build wrote
     *                    ({@link RootLayer#imageLayers}); empty when unknown
     */
    public static BuildProfile assemble(Builder builder, List<BuildStep> steps, BuildProfileAnalysis analysis,
                                        List<String> command, Instant startedAt, long startNs, long endNs, int exitCode,
                                        Set<String> imageLayers) {
        return assemble(builder, steps, analysis, command, startedAt, startNs, endNs, exitCode, imageLayers,
                StepNaming.OUTPUT_ONLY);
    }

    /**
     * @param naming what names the steps when the builder's output does not (the Dockerfile), and why
     *               the output or the Dockerfile is missing
     */
    public static BuildProfile assemble(Builder builder, List<BuildStep> steps, BuildProfileAnalysis analysis,
                                        List<String> command, Instant startedAt, long startNs, long endNs, int exitCode,
                                        Set<String> imageLayers, StepNaming naming) {
        return assemble(builder, steps, analysis, command, startedAt, startNs, endNs, exitCode, imageLayers, naming,
                DockerfileStages.NONE);
    }

    /**
     * @param stages BuildKit: what the Dockerfile, the client's build arguments and the base images say
     *               about each RUN's executor (environment, overlay chain); {@link DockerfileStages#NONE}
     *               when unknown
     */
    public static BuildProfile assemble(Builder builder, List<BuildStep> steps, BuildProfileAnalysis analysis,
                                        List<String> command, Instant startedAt, long startNs, long endNs, int exitCode,
                                        Set<String> imageLayers, StepNaming naming, DockerfileStages stages) {
        // Only containers made during the build can be its steps: a service container running its
        // loop all along (its processes forked by its own) never is, whatever it runs meanwhile.
        List<ContainerActivity> all = analysis.containers().stream()
                .filter(c -> c.madeSince(startNs - WINDOW_SLACK_NS))
                .filter(c -> c.firstStartNs() >= startNs - WINDOW_SLACK_NS && (endNs == 0 || c.firstStartNs() <= endNs))
                .toList();
        List<StepProfile> out = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        Set<ContainerActivity> used = new HashSet<>();
        if (builder == Builder.UNKNOWN || steps.isEmpty()) {
            UnannouncedSteps found = UnannouncedSteps.of(all, naming);
            notices.addAll(found.notices());
            for (UnannouncedSteps.Step s : found.steps()) {
                out.add(profile(s.step(), s.container(), s.attribution()));
            }
        } else {
            java.util.Map<BuildStep, BuildKitTies.Tie> buildKit = builder == Builder.BUILDKIT
                    ? BuildKitTies.tie(steps, all, imageLayers, stages) : java.util.Map.of();
            for (BuildStep s : steps) {
                Choice choice = s.cached() ? Choice.NONE : switch (builder) {
                    case CLASSIC -> Choice.of(byContainerId(s, all), Attribution.CONTAINER_ID);
                    case PODMAN -> Choice.of(nextOwn(s, all, used), Attribution.PROCESS_TREE);
                    case BUILDKIT -> new Choice(buildKit.get(s).container(), buildKit.get(s).attribution());
                    case UNKNOWN -> Choice.NONE;
                };
                if (choice.container() != null) {
                    used.add(choice.container());
                }
                if (choice.attribution() == Attribution.AMBIGUOUS) {
                    notices.add("step " + s.position() + " (" + s.instruction() + "): several BuildKit executors ran the same "
                            + "command at the same time (another build?) and agree on every fact boxtrace has of the step "
                            + "(RUN line, environment, layer chain); its commands are left out rather than guessed");
                }
                out.add(profile(s, choice.container(), choice.attribution()));
            }
        }
        BuildProfile p = new BuildProfile(builder, command, startedAt, startNs, endNs, exitCode, out, notices);
        long lost = p.lostArgvCount();
        if (lost > 0) {
            List<String> n = new ArrayList<>(notices);
            n.add(lost + " command(s) ended before their argv could be read from /proc (proc connector source): "
                    + "shown by pid and name only; the eBPF source reads argv in the kernel");
            p = new BuildProfile(builder, command, startedAt, startNs, endNs, exitCode, out, n);
        }
        return p;
    }

    /**
     * A step known only by its container (no builder output: --attach, --from): the instruction as
     * the builders run it, since their runtime execs exactly the RUN line, {@code /bin/sh -c <text>}
     * for the shell form and the argv itself for the exec form. Null when nothing ran.
     */
    static String instructionOf(List<String> firstArgs) {
        if (firstArgs == null || firstArgs.isEmpty()) {
            return null;
        }
        if (firstArgs.size() == 3 && firstArgs.get(1).equals("-c")
                && (firstArgs.get(0).equals("/bin/sh") || firstArgs.get(0).equals("/bin/bash"))) {
            return "RUN " + firstArgs.get(2);
        }
        StringBuilder json = new StringBuilder("RUN [");
        for (int i = 0; i < firstArgs.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"')
                    .append(firstArgs.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return json.append(']').toString();
    }

    private static ContainerActivity byContainerId(BuildStep s, List<ContainerActivity> all) {
        if (s.containerId() == null) {
            return null;
        }
        return all.stream().filter(c -> ContainerRuntime.of(c.runtime) == ContainerRuntime.DOCKER && c.id.startsWith(s.containerId()))
                .findFirst().orElse(null);
    }

    private static ContainerActivity nextOwn(BuildStep s, List<ContainerActivity> all, Set<ContainerActivity> used) {
        if (!s.isRun()) {
            return null;
        }
        return candidates(s, all, used).stream().filter(c -> ContainerRuntime.of(c.runtime) == ContainerRuntime.PODMAN && c.descendsFromClient)
                .min(Comparator.comparingLong(ContainerActivity::firstStartNs)).orElse(null);
    }

    /** The container tied to a step, and how. */
    private record Choice(ContainerActivity container, Attribution attribution) {
        static final Choice NONE = new Choice(null, Attribution.NONE);

        static Choice of(ContainerActivity c, Attribution how) {
            return c == null ? NONE : new Choice(c, how);
        }
    }

    /** How far a container's lifetime is from the step's: start against done − duration, end against done. */
    static long distance(BuildStep s, ContainerActivity c) {
        long d = Math.abs(c.firstStartNs() - expectedStart(s));
        if (s.endNs() != 0 && c.lastExitNs() != 0) {
            d += Math.abs(s.endNs() - c.lastExitNs());
        }
        return d;
    }

    /** Unused containers whose first process started inside the step's window. */
    static List<ContainerActivity> candidates(BuildStep s, List<ContainerActivity> all, Set<ContainerActivity> used) {
        long from = Math.min(s.startNs(), expectedStart(s)) - WINDOW_SLACK_NS;
        long to = s.endNs() == 0 ? Long.MAX_VALUE : s.endNs() + WINDOW_SLACK_NS;
        return all.stream().filter(c -> !used.contains(c) && !c.processes.isEmpty())
                .filter(c -> c.firstStartNs() >= from && c.firstStartNs() <= to).toList();
    }

    /** BuildKit: done − its own duration is when the vertex really started, even if announced late. */
    private static long expectedStart(BuildStep s) {
        if (s.builderDurationNs() >= 0 && s.endNs() != 0) {
            return s.endNs() - s.builderDurationNs();
        }
        return s.startNs();
    }

    private static StepProfile profile(BuildStep s, ContainerActivity c, Attribution how) {
        if (c == null) {
            return new StepProfile(s, s.startNs(), Math.max(s.endNs(), s.startNs()), 0, 0, null, how, List.of());
        }
        List<CommandNode> roots = CommandTrees.build(c.snapshotProcesses());
        List<String> stepArgv = s.runArgv();
        if (stepArgv != null && !stepArgv.isEmpty() && roots.size() == 1 && roots.getFirst().args().isEmpty()) {
            // The runtime execs exactly the RUN argv as the container's first program; the proc
            // connector lost it (or read a later program's), the builder's output still says it.
            roots = List.of(roots.getFirst().withArgsFromBuilder(stepArgv));
        }
        long first = roots.stream().mapToLong(CommandNode::startNs).min().orElse(c.firstStartNs());
        long last = c.lastExitNs();
        long stepStart = s.startNs() == 0 ? first : Math.min(s.startNs(), first);
        if (s.builderDurationNs() >= 0 && s.endNs() != 0) {
            stepStart = Math.min(stepStart, Math.max(s.endNs() - s.builderDurationNs(), 0));
        }
        // Set-up: from the step's announcement (or the runtime's fork of the container's init when the
        // announcement came late) to the first command.
        long setupFrom = c.runtimeForkNs != 0 ? Math.min(stepStart, c.runtimeForkNs) : stepStart;
        long stepEnd = Math.max(s.endNs(), Math.max(last, c.stopNs));
        long teardownTo = c.stopNs != 0 ? Math.max(c.stopNs, s.endNs()) : s.endNs();
        long setup = Math.max(0, first - setupFrom);
        long teardown = last == 0 || teardownTo == 0 ? 0 : Math.max(0, teardownTo - last);
        return new StepProfile(s, Math.min(stepStart, setupFrom), stepEnd, setup, teardown, c.id, how, roots);
    }
}
