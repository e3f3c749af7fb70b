package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodmanImagesTest {

    private static final String TOP = "1".repeat(64);
    private static final String BASE = "2".repeat(64);

    @TempDir
    Path storage;

    private void store(String topLayer) throws Exception {
        Files.createDirectories(storage.resolve("overlay-images"));
        Files.createDirectories(storage.resolve("overlay-layers"));
        Files.writeString(storage.resolve("overlay-images/images.json"), "[{\"id\":\"" + "9".repeat(64)
                + "\",\"names\":[\"localhost/tools:latest\",\"docker.io/library/alpine:3.20\"],\"layer\":\"" + topLayer + "\"}]");
        Files.writeString(storage.resolve("overlay-layers/layers.json"), "[{\"id\":\"" + TOP + "\",\"parent\":\"" + BASE
                + "\"},{\"id\":\"" + BASE + "\"}]");
    }

    @Test
    void anImageIsFoundByTheNamesAUserTypesAndItsLayersComeTopFirst() throws Exception {
        store(TOP);
        PodmanImages images = new PodmanImages(storage);
        List<Path> expected = List.of(storage.resolve("overlay/" + TOP + "/diff"), storage.resolve("overlay/" + BASE + "/diff"));
        for (String ref : List.of("tools", "tools:latest", "localhost/tools", "alpine:3.20", "docker.io/alpine:3.20",
                "999999999999")) {
            assertThat(images.layers(ref)).as(ref).contains(expected);
        }
        assertThat(images.layers("alpine")).isEmpty();
        assertThat(images.layers("other")).isEmpty();
    }

    @Test
    void aLayerIdThatIsNotAnIdIsRefusedRatherThanUsedAsAPath() throws Exception {
        store("../../etc");
        assertThatThrownBy(() -> new PodmanImages(storage).layers("tools")).hasMessageContaining("unexpected layer id");
    }

    @Test
    void noStoreMeansNoImage() throws Exception {
        assertThat(new PodmanImages(storage.resolve("absent")).layers("tools")).isEmpty();
    }
}
