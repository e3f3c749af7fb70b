package io.boxtrace.analysis.build;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What a Dockerfile says about each RUN a BuildKit executor runs for it, as measured on dockerd
 * 20.10's BuildKit (docs/build.md, "what was measured"):
 * <ul>
 * <li>the environment at exec: the base image's variables, then the stage's ARGs that have a value
 *     (the {@code --build-arg} given, else the default, else the global ARG's), then its ENVs (an ENV
 *     wins over an ARG of the same name), {@code HOME=/root} added; only the ARG/ENV values are
 *     known here, and one that refers to a variable of unknown value is left out;</li>
 * <li>the snapshots below it: RUN, COPY, ADD and WORKDIR each make one, so a RUN's previous RUN in
 *     its stage (through {@code FROM <stage>}) wrote its first lower layer when only metadata
 *     instructions (ENV, ARG, LABEL, USER…) lie between them;</li>
 * <li>the stage's base image, whose layers end every lower chain of the stage.</li>
 * </ul>
 * Immutable.
 */
public final class DockerfileStages {

    /** Instructions that change only the image's config, not its files: they make no snapshot. */
    private static final Set<String> METADATA = Set.of("ENV", "ARG", "LABEL", "EXPOSE", "USER", "CMD",
            "ENTRYPOINT", "SHELL", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "ONBUILD", "MAINTAINER");

    /**
     * One RUN instruction of a stage.
     *
     * @param stage       the stage's index, from 0
     * @param stageName   its {@code AS} name, lower-case as BuildKit prints it, or null
     * @param instruction the instruction
     * @param env         the ARG and ENV values its executor's environment must hold
     * @param baseLayers  the layer directories of the stage's base image, newest first; empty for
     *                    {@code scratch}, null when unknown
     * @param previous    the RUN before it in its stage (or the stage it is built on), or null
     * @param direct      true when only metadata instructions lie between previous and this RUN, so
     *                    previous's snapshot is this one's first lower layer
     * @param vertex      its number in the stage as BuildKit prints it ({@code [a 3/5]}: 3): FROM an image
     *                    is 1, then every instruction that is not metadata-only (FROM another stage is not
     *                    counted, measured)
     * @param vertices    the stage's count of those ({@code [a 3/5]}: 5)
     */
    public record Run(int stage, String stageName, Dockerfile.Instruction instruction, Map<String, String> env,
                      List<String> baseLayers, Run previous, boolean direct, int vertex, int vertices) {
    }

    private final List<Run> runs;

    private DockerfileStages(List<Run> runs) {
        this.runs = List.copyOf(runs);
    }

    /** No Dockerfile: nothing known. */
    public static final DockerfileStages NONE = new DockerfileStages(List.of());

    public List<Run> runs() {
        return runs;
    }

    /**
     * @param buildArgs  the client's {@code --build-arg}s; a null value is an argument whose value is unknown
     * @param imageLayers the layer directories of an image reference (docker image inspect), empty when unknown
     */
    public static DockerfileStages of(Dockerfile file, Map<String, String> buildArgs,
                                      Function<String, Optional<List<String>>> imageLayers) {
        if (file == null) {
            return NONE;
        }
        List<Run> out = new ArrayList<>();
        Map<String, String> globals = new HashMap<>();
        Set<String> globalUnknown = new HashSet<>();
        List<Stage> stages = new ArrayList<>();
        Stage cur = null;
        for (Dockerfile.Instruction in : file.instructions()) {
            String keyword = keyword(in.text());
            String rest = in.text().substring(keyword.length()).strip();
            if (keyword.equals("FROM")) {
                cur = from(rest, stages, globals, imageLayers);
                stages.add(cur);
            } else if (keyword.equals("ARG")) {
                if (cur == null) {
                    arg(rest, globals, globalUnknown, buildArgs, Map.of(), Set.of(), globals, globalUnknown);
                } else {
                    arg(rest, cur.args, cur.argUnknown, buildArgs, globals, globalUnknown, cur.known(), cur.envNames());
                }
            } else if (cur != null && keyword.equals("ENV")) {
                env(rest, cur);
            } else if (cur != null && keyword.equals("RUN") && in.runArgv() != null) {
                cur.vertices++;
                Run r = new Run(stages.size() - 1, cur.name, in, cur.runEnv(), cur.baseLayers, cur.lastRun,
                        cur.lastRun != null && !cur.snapshotSinceRun, cur.vertices, 0);
                out.add(r);
                cur.lastRun = r;
                cur.snapshotSinceRun = false;
            } else if (cur != null && !METADATA.contains(keyword)) {
                cur.vertices++;
                cur.snapshotSinceRun = true; // COPY, ADD, WORKDIR (measured), or anything not known not to
            }
        }
        // Now that each stage's vertex count is known; previous links are rebuilt to the final records.
        Map<Run, Run> done = new java.util.IdentityHashMap<>();
        List<Run> fin = new ArrayList<>();
        for (Run r : out) {
            Run f = new Run(r.stage(), r.stageName(), r.instruction(), r.env(), r.baseLayers(),
                    r.previous() == null ? null : done.get(r.previous()), r.direct(), r.vertex(),
                    stages.get(r.stage()).vertices);
            done.put(r, f);
            fin.add(f);
        }
        return new DockerfileStages(fin);
    }

    /** A stage while it is read: its variables and its last RUN. */
    private static final class Stage {
        final String name;
        final List<String> baseLayers;
        final Map<String, String> env = new LinkedHashMap<>();
        final Set<String> envUnknown = new HashSet<>();
        final Map<String, String> args = new LinkedHashMap<>();
        final Set<String> argUnknown = new HashSet<>();
        Run lastRun;
        boolean snapshotSinceRun;
        /** Instructions BuildKit numbers in this stage so far. */
        int vertices;

        Stage(String name, List<String> baseLayers) {
            this.name = name;
            this.baseLayers = baseLayers;
        }

        Set<String> envNames() {
            Set<String> s = new HashSet<>(env.keySet());
            s.addAll(envUnknown);
            return s;
        }

        /** The values a word of this stage can refer to. */
        Map<String, String> known() {
            Map<String, String> m = new HashMap<>(args);
            argUnknown.forEach(m::remove);
            envUnknown.forEach(m::remove);
            m.putAll(env);
            return m;
        }

        Map<String, String> runEnv() {
            return Map.copyOf(known());
        }
    }

    private static Stage from(String rest, List<Stage> stages, Map<String, String> globals,
                              Function<String, Optional<List<String>>> imageLayers) {
        List<String> words = DockerfileWords.split(rest, globals);
        List<String> w = words == null ? List.of() : words.stream().filter(x -> x == null || !x.startsWith("--")).toList();
        String ref = w.isEmpty() ? null : w.getFirst();
        String name = w.size() >= 3 && w.get(1) != null && w.get(1).equalsIgnoreCase("AS") && w.get(2) != null
                ? w.get(2).toLowerCase(Locale.ROOT) : null;
        Stage parent = null;
        for (Stage s : stages) {
            if (ref != null && s.name != null && s.name.equals(ref.toLowerCase(Locale.ROOT))) {
                parent = s;
            }
        }
        if (parent != null) {
            // A stage built on another starts from its files and its ENVs (its ARGs end with it).
            Stage st = new Stage(name, parent.baseLayers);
            st.env.putAll(parent.env);
            st.envUnknown.addAll(parent.envUnknown);
            st.lastRun = parent.lastRun;
            st.snapshotSinceRun = parent.snapshotSinceRun;
            return st;
        }
        List<String> base = ref == null ? null
                : ref.equals("scratch") ? List.of() : imageLayers.apply(ref).filter(l -> !l.isEmpty()).orElse(null);
        Stage st = new Stage(name, base);
        st.vertices = 1; // BuildKit prints FROM an image as the stage's first vertex
        return st;
    }

    /**
     * {@code ARG NAME[=default] …}: the build argument given for it, else its default, else (in a
     * stage) the global ARG's value. ENV of the same name wins; a name without value is left out.
     */
    private static void arg(String rest, Map<String, String> into, Set<String> unknownInto, Map<String, String> buildArgs,
                            Map<String, String> globals, Set<String> globalUnknown, Map<String, String> scope,
                            Set<String> envNames) {
        List<String> words = DockerfileWords.split(rest, scope);
        if (words == null) {
            return;
        }
        for (String word : words) {
            if (word == null) {
                continue; // a default that refers to something unknown: its name cannot be told either
            }
            int eq = word.indexOf('=');
            String name = eq < 0 ? word : word.substring(0, eq);
            into.remove(name);
            unknownInto.remove(name);
            if (envNames.contains(name)) {
                continue;
            }
            if (buildArgs.containsKey(name)) {
                putOrUnknown(name, buildArgs.get(name), into, unknownInto);
            } else if (eq >= 0) {
                into.put(name, word.substring(eq + 1));
            } else if (globals.containsKey(name)) {
                into.put(name, globals.get(name));
            } else if (globalUnknown.contains(name)) {
                unknownInto.add(name);
            }
        }
        // A default that could not be expanded: which name it belonged to is in the words as written.
        List<String> raw = DockerfileWords.split(rest, null);
        for (int i = 0; raw != null && i < words.size() && i < raw.size(); i++) {
            int eq = raw.get(i).indexOf('=');
            String name = eq < 0 ? raw.get(i) : raw.get(i).substring(0, eq);
            if (words.get(i) == null && eq > 0 && !buildArgs.containsKey(name) && !envNames.contains(name)) {
                into.remove(name);
                unknownInto.add(name);
            }
        }
    }

    /** {@code ENV a=1 b="x y"}, or the old {@code ENV name value with spaces}. */
    private static void env(String rest, Stage st) {
        Map<String, String> scope = st.known();
        List<String> words = DockerfileWords.split(rest, scope);
        if (words == null || words.isEmpty()) {
            return;
        }
        String first = words.getFirst();
        if (first != null && !first.contains("=")) {
            // Old form: one variable, the rest of the line its value.
            String raw = rest.substring(first.length()).strip();
            List<String> v = DockerfileWords.split("\"" + raw.replace("\"", "\\\"") + "\"", scope);
            putOrUnknown(first, v == null || v.size() != 1 ? null : v.getFirst(), st.env, st.envUnknown);
            return;
        }
        List<String> raw = DockerfileWords.split(rest, null);
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w != null && w.indexOf('=') > 0) {
                int eq = w.indexOf('=');
                putOrUnknown(w.substring(0, eq), w.substring(eq + 1), st.env, st.envUnknown);
            } else if (w == null && raw != null && i < raw.size() && raw.get(i).indexOf('=') > 0) {
                // Its value refers to something unknown (the base image's $PATH): the variable is unknown.
                putOrUnknown(raw.get(i).substring(0, raw.get(i).indexOf('=')), null, st.env, st.envUnknown);
            }
        }
    }

    private static void putOrUnknown(String name, String value, Map<String, String> known, Set<String> unknown) {
        if (value == null) {
            known.remove(name);
            unknown.add(name);
        } else {
            known.put(name, value);
            unknown.remove(name);
        }
    }

    private static String keyword(String text) {
        int sp = 0;
        while (sp < text.length() && !Character.isWhitespace(text.charAt(sp))) {
            sp++;
        }
        return text.substring(0, sp).toUpperCase(Locale.ROOT);
    }
}
