package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor snapshot fact on mountinfo lines and an image inspect answer as captured on this host. */
class RootLayerTest {

    @TempDir
    Path tmp;

    @Test
    void theExecutorsUpperDirectoryIsReadFromItsRootMount() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("21804"));
        Files.writeString(d.resolve("mountinfo"), String.join("\n",
                "1022 960 0:97 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/AWFX52J65XWZESPO256IB6ATPF:"
                        + "/var/lib/docker/overlay2/l/5GGNOAQERIHQ6ROLQEMKTITP2A,upperdir=/var/lib/docker/overlay2/"
                        + "to8ystbyd9h9a5rj3yxtrjaon/diff,workdir=/var/lib/docker/overlay2/to8ystbyd9h9a5rj3yxtrjaon/work",
                "1023 1022 0:98 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw", ""));
        assertThat(new RootLayer(tmp).of(21804)).contains("to8ystbyd9h9a5rj3yxtrjaon");
    }

    @Test
    void aHostRootOrAGoneProcessGivesNothing() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("7"));
        Files.writeString(d.resolve("mountinfo"), "25 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n");
        assertThat(new RootLayer(tmp).of(7)).isEmpty();
        assertThat(new RootLayer(tmp).of(8)).isEmpty();
    }

    @Test
    void anImagesLayersAreItsUpperAndLowerDirectories() {
        assertThat(RootLayer.imageLayers("/var/lib/docker/overlay2/to8ystbyd9h9a5rj3yxtrjaon/diff",
                "/var/lib/docker/overlay2/vg1lmw8k741t1qg7mxkdd35lb/diff:/var/lib/docker/overlay2/014900e55ea0/diff"))
                .containsExactly("to8ystbyd9h9a5rj3yxtrjaon", "vg1lmw8k741t1qg7mxkdd35lb", "014900e55ea0");
        assertThat(RootLayer.imageLayers("", "")).isEmpty();
    }
}
