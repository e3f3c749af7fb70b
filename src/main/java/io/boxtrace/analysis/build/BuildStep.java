package io.boxtrace.analysis.build;

/**
 * One step of a build as the builder itself reported it in its output. Times are CLOCK_MONOTONIC
 * nanoseconds at which boxtrace read the line that opened or closed the step (0 when never seen);
 * they are when the builder said so, which for BuildKit's plain progress can lag the real work
 * (it holds back the logs of vertices that are not the one it is printing).
 *
 * @param index             order of appearance in the output, 1-based
 * @param position          the builder's own numbering: {@code "2/5"}, {@code "b 2/2"}, {@code "1/3 2/4"}
 * @param instruction       the instruction as written ({@code RUN sleep 1 && echo hi}), or null
 * @param cached            true when the builder reused a cached result (nothing ran)
 * @param startNs           when the step was announced
 * @param endNs             when the builder reported it done (result id, DONE, ERROR), 0 if never
 * @param containerId       classic: the {@code Running in <id>} short container id; else null
 * @param vertexId          BuildKit: the {@code #N} vertex number as text; else null
 * @param digest            BuildKit: the vertex digest when printed; else null
 * @param builderDurationNs BuildKit: the duration the builder printed with DONE/ERROR (its own clock), else -1
 * @param error             the builder's error message for this step, or null when it did not fail
 * @param exitCode          the exit code the builder reported for a failed RUN, else -1
 */
public record BuildStep(int index, String position, String instruction, boolean cached, long startNs, long endNs,
                        String containerId, String vertexId, String digest, long builderDurationNs,
                        String error, int exitCode) {

    /** True for instructions that run a command in a container. */
    public boolean isRun() {
        return instruction != null && instruction.regionMatches(true, 0, "RUN", 0, 3)
                && (instruction.length() == 3 || Character.isWhitespace(instruction.charAt(3)));
    }

    public boolean failed() {
        return error != null;
    }

    /** The command of a RUN as the runtime will exec it: shell form → [/bin/sh, -c, text]. Null if not a RUN. */
    public java.util.List<String> runArgv() {
        if (!isRun()) {
            return null;
        }
        String text = instruction.substring(3).strip();
        // Options such as --mount=... or --network=... come before the command.
        while (text.startsWith("--")) {
            int sp = text.indexOf(' ');
            if (sp < 0) {
                return java.util.List.of();
            }
            text = text.substring(sp + 1).strip();
        }
        if (text.startsWith("[")) {
            return ExecForm.parse(text);
        }
        return java.util.List.of("/bin/sh", "-c", text);
    }
}
