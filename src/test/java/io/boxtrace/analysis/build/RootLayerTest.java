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

    /** The step's mounts as captured here (2026-12-03, [a 3/5] after [a 2/5]): its lower links resolve to the earlier dirs. */
    @Test
    void theLowerLinksResolveToTheSnapshotsBelowAndTheEnvironmentIsRead() throws IOException {
        Path host = Files.createDirectories(tmp.resolve("host"));
        Path l = Files.createDirectories(host.resolve("var/lib/docker/overlay2/l"));
        Files.createSymbolicLink(l.resolve("CP4N7LY6SSG7J2BGJ4NZORKAJW"), Path.of("../w7u8kiw6m9w3hzfcvoquicjlf/diff"));
        Files.createSymbolicLink(l.resolve("5GGNOAQERIHQ6ROLQEMKTITP2A"),
                Path.of("../014900e55ea0b1a0f244feab0b86889ce47ced89328da8f49b21ac43f0b3a173/diff"));
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Path d = Files.createDirectories(proc.resolve("4242"));
        Files.writeString(d.resolve("mountinfo"), "110 81 0:40 / / rw,relatime master:3 - overlay overlay rw,"
                + "lowerdir=/var/lib/docker/overlay2/l/CP4N7LY6SSG7J2BGJ4NZORKAJW:/var/lib/docker/overlay2/l/5GGNOAQERIHQ6ROLQEMKTITP2A,"
                + "upperdir=/var/lib/docker/overlay2/jwfzrfnsgxrkvcn5v85unjipc/diff,"
                + "workdir=/var/lib/docker/overlay2/jwfzrfnsgxrkvcn5v85unjipc/work,uuid=on\n");
        Files.write(d.resolve("environ"), "PATH=/bin\0V=given\0E=ea\0HOME=/root\0".getBytes());
        RootLayer.ExecutorRoot r = new RootLayer(proc, host).read(4242).orElseThrow();
        assertThat(r.upperDir()).isEqualTo("jwfzrfnsgxrkvcn5v85unjipc");
        assertThat(r.lowerDirs()).containsExactly("w7u8kiw6m9w3hzfcvoquicjlf",
                "014900e55ea0b1a0f244feab0b86889ce47ced89328da8f49b21ac43f0b3a173");
        assertThat(r.env()).containsExactly(java.util.Map.entry("PATH", "/bin"), java.util.Map.entry("V", "given"),
                java.util.Map.entry("E", "ea"), java.util.Map.entry("HOME", "/root"));
    }

    @Test
    void aLinkThatCannotBeResolvedLeavesTheChainUnknownNotGuessed() throws IOException {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Path d = Files.createDirectories(proc.resolve("9"));
        Files.writeString(d.resolve("mountinfo"), "1 0 0:40 / / rw - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/GONE,"
                + "upperdir=/var/lib/docker/overlay2/abc/diff,workdir=/var/lib/docker/overlay2/abc/work\n");
        RootLayer.ExecutorRoot r = new RootLayer(proc, tmp.resolve("nohost")).read(9).orElseThrow();
        assertThat(r.upperDir()).isEqualTo("abc");
        assertThat(r.lowerDirs()).isNull();
        assertThat(r.env()).isNull(); // no environ file: unknown, not empty
    }

    @Test
    void anImagesLayerListIsNewestFirst() {
        assertThat(RootLayer.imageLayerList("/var/lib/docker/overlay2/top/diff",
                "/var/lib/docker/overlay2/mid/diff:/var/lib/docker/overlay2/base/diff")).containsExactly("top", "mid", "base");
    }
}
