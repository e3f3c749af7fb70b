package io.boxtrace.analysis.build;

import java.util.ArrayList;
import java.util.List;

/**
 * Recognises the builder from the first line only one builder prints ({@code Step N/M : },
 * {@code #N [m/M] }, {@code STEP N/M: }), then replays the lines read so far into that parser.
 * Until then lines are kept (at most {@link #MAX_BUFFERED}); if none is ever recognised the build
 * yields no named steps and {@link #builder()} stays UNKNOWN.
 */
final class DetectingOutputParser extends BuildOutputParser {

    static final int MAX_BUFFERED = 10_000;

    private record Line(long timeNs, String text) {
    }

    private final List<Line> buffered = new ArrayList<>();
    private BuildOutputParser chosen;

    @Override
    public synchronized String imageId() {
        return chosen == null ? null : chosen.imageId();
    }

    @Override
    public Builder builder() {
        return chosen == null ? Builder.UNKNOWN : chosen.builder();
    }

    @Override
    void parse(long timeNs, String line) {
        if (chosen != null) {
            chosen.parse(timeNs, line);
            return;
        }
        if (ClassicOutputParser.recognises(line)) {
            chosen = new ClassicOutputParser();
        } else if (BuildKitOutputParser.recognises(line)) {
            chosen = new BuildKitOutputParser();
        } else if (PodmanOutputParser.recognises(line)) {
            chosen = new PodmanOutputParser();
        }
        if (chosen == null) {
            if (buffered.size() < MAX_BUFFERED) {
                buffered.add(new Line(timeNs, line));
            }
            return;
        }
        for (Line l : buffered) {
            chosen.parse(l.timeNs(), l.text());
        }
        buffered.clear();
        chosen.parse(timeNs, line);
    }

    @Override
    void onFinish(long timeNs) {
        if (chosen != null) {
            chosen.finish(timeNs);
        }
    }

    @Override
    public synchronized List<BuildStep> steps() {
        return chosen == null ? List.of() : chosen.steps();
    }

    @Override
    public synchronized boolean recognised() {
        return chosen != null && chosen.recognised();
    }
}
