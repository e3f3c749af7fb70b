package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BuildNumberedFileTest {

    @Test
    void numberGoesBeforeTheExtension() {
        assertThat(BuildOutputs.numbered(Path.of("/tmp/out.json"), 2, ".json")).isEqualTo(Path.of("/tmp/out-2.json"));
    }

    @Test
    void nameWithoutExtensionGetsTheDefault() {
        assertThat(BuildOutputs.numbered(Path.of("att"), 1, ".json")).isEqualTo(Path.of("att-1.json"));
        assertThat(BuildOutputs.numbered(Path.of("/tmp/page"), 3, ".html")).isEqualTo(Path.of("/tmp/page-3.html"));
    }

    @Test
    void noFileStaysNoFile() {
        assertThat(BuildOutputs.numbered(null, 1, ".json")).isNull();
    }
}
