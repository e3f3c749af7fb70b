package io.boxtrace.analysis.build;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a builder's output line by line and keeps the steps it announces. Lines it does not
 * recognise (the build's own output, progress bars, warnings) are ignored, so interleaved and
 * unknown lines never break it. Times are CLOCK_MONOTONIC ns at which the caller read each line.
 *
 * <p>Thread-safe: one thread feeds lines while another may read {@link #steps()} (methods are
 * synchronized); the object lives for one build.
 */
public abstract sealed class BuildOutputParser
        permits ClassicOutputParser, BuildKitOutputParser, PodmanOutputParser, DetectingOutputParser {

    private final List<MutableStep> steps = new ArrayList<>();

    /** A parser that recognises the builder from the first line that only one of them prints. */
    public static BuildOutputParser detecting() {
        return new DetectingOutputParser();
    }

    /** A parser for a builder known in advance. */
    public static BuildOutputParser forBuilder(Builder builder) {
        return switch (builder) {
            case CLASSIC -> new ClassicOutputParser();
            case BUILDKIT -> new BuildKitOutputParser();
            case PODMAN -> new PodmanOutputParser();
            case UNKNOWN -> new DetectingOutputParser();
        };
    }

    /** Feeds one line (without its line terminator; a trailing CR from progress output is tolerated). */
    public final synchronized void accept(long timeNs, String line) {
        String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        // Some terminals' progress output redraws with CRs inside a line: the last segment is what shows.
        int cr = l.lastIndexOf('\r');
        parse(timeNs, cr >= 0 ? l.substring(cr + 1) : l);
    }

    /** The build command ended at timeNs: steps still open end there. */
    public final synchronized void finish(long timeNs) {
        onFinish(timeNs);
        for (MutableStep s : steps) {
            s.endAt(timeNs);
        }
    }

    /** The steps seen so far, in the order they appeared. */
    public synchronized List<BuildStep> steps() {
        return steps.stream().map(MutableStep::freeze).toList();
    }

    /** The builder this parser reads; UNKNOWN until a detecting parser has recognised one. */
    public abstract Builder builder();

    /** The image the build wrote, when the builder prints its id (BuildKit); else null. */
    public String imageId() {
        return null;
    }

    /** True once at least one line of the builder's step format was seen. */
    public synchronized boolean recognised() {
        return !steps.isEmpty();
    }

    abstract void parse(long timeNs, String line);

    void onFinish(long timeNs) {
    }

    final MutableStep add(String position, String instruction, long timeNs) {
        MutableStep s = new MutableStep(steps.size() + 1, position, instruction, timeNs);
        steps.add(s);
        return s;
    }

    final MutableStep last() {
        return steps.isEmpty() ? null : steps.getLast();
    }

    final List<MutableStep> mutableSteps() {
        return steps;
    }
}
