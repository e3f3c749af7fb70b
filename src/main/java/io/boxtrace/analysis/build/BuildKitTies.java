package io.boxtrace.analysis.build;

import io.boxtrace.analysis.build.StepProfile.Attribution;
import io.boxtrace.container.ContainerRuntime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ties a BuildKit build's RUN steps to the executors that ran them, by facts first and by timing
 * last (docs/build.md, "Attribution"):
 * <ol>
 * <li>{@code image_layer}: the executor's snapshot is a layer of the image this build wrote and it
 *     ran the step's RUN argv;</li>
 * <li>among the executors seen during the build that ran the step's RUN argv, those whose facts
 *     contradict the step are not it: its overlay chain (the previous RUN's executor's snapshot must
 *     be its first lower layer, or at least one of them across a COPY; a later RUN's executor must
 *     build on its snapshot; the nearest executor it builds on must have run the previous RUN's argv;
 *     its lower layers must end with the stage's base image layers) and its environment (the
 *     stage's ARG/ENV values). One left, or one linked by its chain to an executor already tied,
 *     is the step's: {@code layer_chain}, or {@code environment} when only the environment told
 *     them apart. Ties found so pin their neighbours in turn, until nothing changes;</li>
 * <li>the rest by the window, among the executors the facts did not rule out; two as close within
 *     150 ms are {@code ambiguous}: they agree on every fact boxtrace has of the step.</li>
 * </ol>
 * Stateless; one call per profile.
 */
final class BuildKitTies {

    /** The container tied to a step, and how. */
    record Tie(ContainerActivity container, Attribution attribution) {
        static final Tie NONE = new Tie(null, Attribution.NONE);
    }

    /** Why an executor is not a step's: the first fact it contradicts. */
    enum Contradiction { CHAIN, ENVIRONMENT }

    private final List<BuildStep> steps;
    private final List<ContainerActivity> executors;
    private final StepChain chain;
    private final Map<BuildStep, Tie> ties = new LinkedHashMap<>();
    private final Map<BuildStep, Set<ContainerActivity>> ruledOut = new HashMap<>();
    private final Set<ContainerActivity> used = new HashSet<>();
    /** Snapshot directory → the executor that wrote it, over every executor seen. */
    private final Map<String, ContainerActivity> byUpper = new HashMap<>();

    private BuildKitTies(List<BuildStep> steps, List<ContainerActivity> all, DockerfileStages stages) {
        this.steps = steps;
        this.executors = all.stream().filter(c -> !c.processes.isEmpty()
                && ContainerRuntime.of(c.runtime) == ContainerRuntime.BUILDKIT).toList();
        this.chain = new StepChain(steps, stages);
        for (ContainerActivity c : executors) {
            if (c.rootUpperDir != null) {
                byUpper.putIfAbsent(c.rootUpperDir, c);
            }
        }
    }

    /** Every step's tie (NONE for steps that ran nothing or could not be tied), in step order. */
    static Map<BuildStep, Tie> tie(List<BuildStep> steps, List<ContainerActivity> all, Set<String> imageLayers,
                                   DockerfileStages stages) {
        BuildKitTies t = new BuildKitTies(steps, all, stages);
        t.byImageLayer(imageLayers);
        t.byFacts();
        Map<BuildStep, Tie> out = new LinkedHashMap<>();
        for (BuildStep s : steps) {
            Tie tie = t.ties.get(s);
            if (tie == null && !s.cached()) {
                tie = t.byWindow(s);
                if (tie.container() != null) {
                    t.used.add(tie.container());
                }
            }
            out.put(s, tie == null ? Tie.NONE : tie);
        }
        return out;
    }

    private List<BuildStep> openRuns() {
        return steps.stream().filter(s -> s.isRun() && !s.cached() && !ties.containsKey(s)).toList();
    }

    private List<String> argv(BuildStep s) {
        DockerfileStages.Run r = chain.run(s);
        return r != null ? r.instruction().runArgv() : s.runArgv();
    }

    /** Unused executors that ran exactly the step's RUN argv as their first program. */
    private List<ContainerActivity> sameCommand(BuildStep s) {
        List<String> argv = argv(s);
        return executors.stream().filter(c -> !used.contains(c) && c.firstArgs().equals(argv)).toList();
    }

    private void byImageLayer(Set<String> imageLayers) {
        if (imageLayers.isEmpty()) {
            return;
        }
        for (BuildStep s : openRuns()) {
            sameCommand(s).stream().filter(c -> c.rootUpperDir != null && imageLayers.contains(c.rootUpperDir))
                    .min(Comparator.comparingLong(c -> BuildProfileAssembler.distance(s, c)))
                    .ifPresent(c -> tieTo(s, c, Attribution.IMAGE_LAYER));
        }
    }

    private void byFacts() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (BuildStep s : openRuns()) {
                List<String> argv = argv(s);
                List<ContainerActivity> same = executors.stream().filter(c -> c.firstArgs().equals(argv)).toList();
                if (same.isEmpty()) {
                    continue;
                }
                List<ContainerActivity> fit = new ArrayList<>();
                List<ContainerActivity> linked = new ArrayList<>();
                boolean byChain = false;
                for (ContainerActivity c : same) {
                    Contradiction x = contradiction(s, c);
                    if (x == null && !used.contains(c)) {
                        fit.add(c);
                        if (linksToATiedNeighbour(s, c)) {
                            linked.add(c);
                        }
                    } else if (x == null) {
                        // Another step's by a fact already: what told them apart is how that one was tied.
                        byChain |= tieOf(c) != Attribution.ENVIRONMENT;
                    } else {
                        byChain |= x == Contradiction.CHAIN;
                    }
                }
                if (fit.isEmpty()) {
                    // None left: either every executor of this line is another step's, or every one
                    // contradicts what boxtrace read of the Dockerfile, which is then what is wrong (a
                    // variable it got wrong): the facts decide nothing for this step.
                    ruledOut.remove(s);
                    continue;
                }
                Set<ContainerActivity> out = new HashSet<>(same);
                fit.forEach(out::remove);
                ruledOut.put(s, out);
                if (linked.size() == 1) {
                    changed |= tieTo(s, linked.getFirst(), Attribution.LAYER_CHAIN);
                } else if (fit.size() == 1 && same.size() > 1) {
                    changed |= tieTo(s, fit.getFirst(), byChain ? Attribution.LAYER_CHAIN : Attribution.ENVIRONMENT);
                }
            }
        }
    }

    private Attribution tieOf(ContainerActivity c) {
        return ties.values().stream().filter(t -> t.container() == c).map(Tie::attribution).findFirst().orElse(Attribution.NONE);
    }

    private boolean tieTo(BuildStep s, ContainerActivity c, Attribution how) {
        ties.put(s, new Tie(c, how));
        used.add(c);
        return true;
    }

    /** The first fact of the step that executor c contradicts, or null when it fits every one known. */
    Contradiction contradiction(BuildStep s, ContainerActivity c) {
        DockerfileStages.Run r = chain.run(s);
        StepChain.Previous prev = chain.previous(s);
        if (c.rootLowerDirs != null) {
            if (prev != null && !prev.step().cached()) {
                Tie t = ties.get(prev.step());
                if (t != null && t.container().rootUpperDir != null) {
                    if (!buildsOn(c, t.container().rootUpperDir, prev.direct())) {
                        return Contradiction.CHAIN;
                    }
                } else {
                    ContainerActivity parent = nearestExecutorBelow(c);
                    if (parent != null && !parent.firstArgs().equals(argv(prev.step()))) {
                        return Contradiction.CHAIN;
                    }
                }
            }
            if (r != null && r.baseLayers() != null) {
                List<String> lowers = c.rootLowerDirs;
                List<String> base = r.baseLayers();
                if (lowers.size() < base.size() || !lowers.subList(lowers.size() - base.size(), lowers.size()).equals(base)) {
                    return Contradiction.CHAIN;
                }
                ContainerActivity parent = nearestExecutorBelow(c);
                if (r.previous() == null && prev == null && parent != null && !base.contains(parent.rootUpperDir)) {
                    return Contradiction.CHAIN; // the stage's first RUN builds on its base, not on another RUN
                }
            }
        }
        if (c.rootUpperDir != null) {
            for (BuildStep n : chain.next(s)) {
                Tie t = ties.get(n);
                if (t != null && t.container().rootLowerDirs != null
                        && !buildsOn(t.container(), c.rootUpperDir, chain.previous(n).direct())) {
                    return Contradiction.CHAIN;
                }
            }
        }
        if (r != null && c.env != null) {
            for (Map.Entry<String, String> e : r.env().entrySet()) {
                if (!e.getValue().equals(c.env.get(e.getKey()))) {
                    return Contradiction.ENVIRONMENT;
                }
            }
        }
        return null;
    }

    /** True when c's chain positively holds an executor already tied to the RUN before or after the step. */
    private boolean linksToATiedNeighbour(BuildStep s, ContainerActivity c) {
        StepChain.Previous prev = chain.previous(s);
        Tie before = prev == null ? null : ties.get(prev.step());
        if (before != null && before.container().rootUpperDir != null && c.rootLowerDirs != null
                && buildsOn(c, before.container().rootUpperDir, prev.direct())) {
            return true;
        }
        for (BuildStep n : chain.next(s)) {
            Tie after = ties.get(n);
            if (after != null && after.container().rootLowerDirs != null && c.rootUpperDir != null
                    && buildsOn(after.container(), c.rootUpperDir, chain.previous(n).direct())) {
                return true;
            }
        }
        return false;
    }

    /** c's root builds on snapshot dir: as its first lower layer when direct, else anywhere below. */
    private static boolean buildsOn(ContainerActivity c, String dir, boolean direct) {
        List<String> lowers = c.rootLowerDirs;
        return direct ? !lowers.isEmpty() && lowers.getFirst().equals(dir) : lowers.contains(dir);
    }

    /** The executor (seen in this trace) whose snapshot is the nearest below c's root, or null. */
    private ContainerActivity nearestExecutorBelow(ContainerActivity c) {
        for (String dir : c.rootLowerDirs) {
            ContainerActivity e = byUpper.get(dir);
            if (e != null && e != c) {
                return e;
            }
        }
        return null;
    }

    /**
     * The window, over the executors the facts did not rule out: those that started within the
     * step's window; with several, those running the step's own argv; with several of those, the
     * one closest to what the builder reported; two about as close are left ambiguous.
     */
    private Tie byWindow(BuildStep s) {
        if (!s.isRun()) {
            return Tie.NONE;
        }
        Set<ContainerActivity> out = ruledOut.getOrDefault(s, Set.of());
        List<ContainerActivity> fit = BuildProfileAssembler.candidates(s, executors, used).stream()
                .filter(c -> !out.contains(c)).toList();
        if (fit.size() <= 1) {
            return fit.isEmpty() ? Tie.NONE : new Tie(fit.getFirst(), Attribution.TIMING);
        }
        List<String> argv = argv(s);
        if (chain.run(s) != null) {
            // The RUN line as written is known (BuildKit prints it with ARG/ENV values substituted): an
            // executor whose first program, read in the kernel, is another command is not this step's; one
            // whose argv was lost or read late from /proc may be.
            fit = fit.stream().filter(c -> !c.firstArgsExact() || c.firstArgs().equals(argv)).toList();
            if (fit.size() <= 1) {
                return fit.isEmpty() ? Tie.NONE : new Tie(fit.getFirst(), fit.getFirst().firstArgs().isEmpty()
                        ? Attribution.TIMING : Attribution.TIMING_AND_COMMAND);
            }
        }
        List<ContainerActivity> same = fit.stream().filter(c -> c.firstArgs().equals(argv)).toList();
        List<ContainerActivity> pick = new ArrayList<>(same.isEmpty() ? fit : same);
        pick.sort(Comparator.comparingLong(c -> BuildProfileAssembler.distance(s, c)));
        if (pick.size() > 1 && BuildProfileAssembler.distance(s, pick.get(1)) - BuildProfileAssembler.distance(s, pick.get(0))
                < BuildProfileAssembler.AMBIGUITY_NS) {
            return new Tie(null, Attribution.AMBIGUOUS);
        }
        return new Tie(pick.getFirst(), Attribution.TIMING_AND_COMMAND);
    }
}
