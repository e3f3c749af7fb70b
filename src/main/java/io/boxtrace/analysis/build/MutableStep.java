package io.boxtrace.analysis.build;

/** A step being read from the output; parsers turn it into a {@link BuildStep}. Owned by one parser. */
final class MutableStep {
    final int index;
    final String position;
    final String instruction;
    final long startNs;
    boolean cached;
    long endNs;
    String containerId;
    String vertexId;
    String digest;
    long builderDurationNs = -1;
    String error;
    int exitCode = -1;

    MutableStep(int index, String position, String instruction, long startNs) {
        this.index = index;
        this.position = position;
        this.instruction = instruction;
        this.startNs = startNs;
    }

    boolean open() {
        return endNs == 0;
    }

    void endAt(long timeNs) {
        if (endNs == 0) {
            endNs = timeNs;
        }
    }

    BuildStep freeze() {
        return new BuildStep(index, position, instruction, cached, startNs, endNs, containerId, vertexId, digest,
                builderDurationNs, error, exitCode);
    }

    /** The first {@code exit code: N} / {@code exit status N} / {@code non-zero code: N} number in a message, else -1. */
    static int exitCodeIn(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?:exit code:?|exit status|non-zero code:)\\s*(\\d+)").matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
