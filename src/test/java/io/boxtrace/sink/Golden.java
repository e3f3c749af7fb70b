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
 * src/test/resources/golden/. A missing golden file is a failure: goldens are written only with an
 * explicit {@code -Dgolden.update=true} after a deliberate change, then reviewed and committed.
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
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.copy(actual, golden, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(golden).as("golden file %s is missing: write it with -Dgolden.update=true, review it and commit it",
                golden).exists();
        byte[] want = Files.readAllBytes(golden);
        byte[] got = Files.readAllBytes(actual);
        if (goldenName.endsWith(".pftrace")) {
            assertThat(got).as("%s differs from golden %s", actual, golden).isEqualTo(want);
        } else {
            // as text, so a failure shows the differing lines
            assertThat(new String(got, java.nio.charset.StandardCharsets.UTF_8)).as("%s differs from golden %s", actual, golden)
                    .isEqualTo(new String(want, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
