package io.boxtrace.analysis.build;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a BuildKit build's RUN steps build on each other, from its output and, when known, its
 * Dockerfile: a step's previous RUN in its stage, and whether that RUN's snapshot is the step's
 * first lower layer (nothing but metadata instructions between them). BuildKit numbers each stage's
 * snapshot-making instructions ({@code [a 3/5]}: FROM, RUN, COPY, ADD, WORKDIR; ENV and ARG make no
 * vertex), so {@code a k-1} being a RUN means the two are adjacent; a stage built on another
 * ({@code FROM a AS c}) is linked through the Dockerfile only. Also maps each RUN step to its
 * Dockerfile instruction: stage by name (or {@code stage-N}), then by that number.
 * Immutable after construction.
 */
final class StepChain {

    /** The RUN a step builds on: {@code direct} when its snapshot is the step's first lower layer. */
    record Previous(BuildStep step, boolean direct) {
    }

    // By identity: two steps can be equal records (a vertex printed twice is not, but be safe).
    private final Map<BuildStep, DockerfileStages.Run> runOf = new java.util.IdentityHashMap<>();
    private final Map<BuildStep, Previous> previous = new java.util.IdentityHashMap<>();
    private final Map<BuildStep, List<BuildStep>> next = new java.util.IdentityHashMap<>();

    StepChain(List<BuildStep> steps, DockerfileStages stages) {
        Map<DockerfileStages.Run, BuildStep> stepOf = new java.util.IdentityHashMap<>();
        Map<String, BuildStep> byNumber = new HashMap<>();
        for (BuildStep s : steps) {
            byNumber.putIfAbsent(stageKey(s) + "\n" + number(s), s);
        }
        for (BuildStep s : steps) {
            // By number, not text: BuildKit prints a RUN with the stage's ARG/ENV values substituted
            // (measured: RUN sleep 0.$STAGE shows as RUN sleep 0.1) while its executor runs it as written.
            for (DockerfileStages.Run r : stages.runs()) {
                if (s.isRun() && inStage(r, stageKey(s), stages) && r.vertex() == number(s) && r.vertices() == total(s)) {
                    runOf.put(s, r);
                    stepOf.put(r, s);
                }
            }
        }
        for (BuildStep s : steps) {
            if (!s.isRun()) {
                continue;
            }
            Previous p = fromOutput(s, byNumber);
            DockerfileStages.Run r = runOf.get(s);
            if (p == null && r != null && r.previous() != null && stepOf.containsKey(r.previous())) {
                p = new Previous(stepOf.get(r.previous()), r.direct());
            }
            if (p != null) {
                previous.put(s, p);
                next.computeIfAbsent(p.step(), x -> new ArrayList<>()).add(s);
            }
        }
    }

    /** The Dockerfile's RUN this step runs, or null when the Dockerfile is unknown or does not match. */
    DockerfileStages.Run run(BuildStep s) {
        return runOf.get(s);
    }

    /** The RUN this step builds on, or null when there is none or it is unknown. */
    Previous previous(BuildStep s) {
        return previous.get(s);
    }

    /** The RUN steps that build on this one. */
    List<BuildStep> next(BuildStep s) {
        return next.getOrDefault(s, List.of());
    }

    /** The previous RUN in the same stage as the output numbers it, or null. */
    private static Previous fromOutput(BuildStep s, Map<String, BuildStep> byNumber) {
        int k = number(s);
        if (k < 0) {
            return null;
        }
        for (int j = k - 1; j >= 1; j--) {
            BuildStep before = byNumber.get(stageKey(s) + "\n" + j);
            if (before == null || before == s) {
                return null; // a vertex merged with another stage's: the chain is not known from the output
            }
            if (before.isRun()) {
                return new Previous(before, j == k - 1);
            }
        }
        return null;
    }

    /** {@code a 3/5} → {@code a}; {@code 3/5} → the empty key (a single-stage build). */
    static String stageKey(BuildStep s) {
        String p = s.position() == null ? "" : s.position();
        int sp = p.lastIndexOf(' ');
        return sp < 0 ? "" : p.substring(0, sp).toLowerCase(Locale.ROOT);
    }

    /** {@code a 3/5} → 3, or -1. */
    static int number(BuildStep s) {
        String p = s.position() == null ? "" : s.position();
        int slash = p.lastIndexOf('/');
        int sp = p.lastIndexOf(' ', Math.max(slash, 0));
        try {
            return slash < 0 ? -1 : Integer.parseInt(p.substring(sp + 1, slash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code a 3/5} → 5, or -1. */
    static int total(BuildStep s) {
        String p = s.position() == null ? "" : s.position();
        int slash = p.lastIndexOf('/');
        try {
            return slash < 0 ? -1 : Integer.parseInt(p.substring(slash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** BuildKit names a stage by its AS name, else {@code stage-N}; a single-stage build not at all. */
    private static boolean inStage(DockerfileStages.Run r, String key, DockerfileStages stages) {
        if (key.isEmpty()) {
            return stages.runs().stream().allMatch(o -> o.stage() == r.stage());
        }
        if (r.stageName() != null) {
            return r.stageName().equals(key);
        }
        return key.equals("stage-" + r.stage());
    }

}
