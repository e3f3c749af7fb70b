package io.boxtrace.sink;

import io.boxtrace.pipeline.Sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes sample streams through {@link Formats} and compares with golden files under
 * src/test/resources/golden/ ({@code -Dgolden.update=true} rewrites them after a deliberate change).
 */
public final class Golden {

    public static final long END = SampleStreams.T0 + 2_000_000_000L;

    private Golden() {
    }

    public static Path convert(List<TracedEvent> events, Path out) throws IOException {
        try (Sink sink = Formats.forPath(out, SampleStreams.header(), () -> END)) {
            sink.begin();
            for (TracedEvent e : events) {
                sink.accept(e);
            }
            sink.end(new PipelineStats(events.size(), 3, 0, 0, 0, 1));
        }
        return out;
    }

    public static void compare(Path actual, String goldenName) throws IOException {
        Path golden = Path.of("src/test/resources/golden", goldenName);
        if (Boolean.getBoolean("golden.update") || !Files.exists(golden)) {
            Files.createDirectories(golden.getParent());
            Files.copy(actual, golden, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(Files.readAllBytes(actual)).as("%s differs from golden %s", actual, golden)
                .isEqualTo(Files.readAllBytes(golden));
    }
}
