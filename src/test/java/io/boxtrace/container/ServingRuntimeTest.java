package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which runtime processes name the one container they serve, from argv as seen on this host. */
class ServingRuntimeTest {

    static final String ID = "af8c7574e16323102826ae4ee7f6ae3dae4d06a197b13b8515fc0566e5378ef7";

    @Test
    void dockersShimNamesItsContainer() {
        assertThat(ServingRuntime.servedBy("containerd-shim", List.of("/usr/bin/containerd-shim-runc-v2", "-namespace",
                "moby", "-id", ID, "-address", "/var/run/docker/containerd/containerd.sock")))
                .contains(new CgroupRef("docker", ID, null, null, null));
    }

    @Test
    void podmansConmonNamesItsContainer() {
        assertThat(ServingRuntime.servedBy("conmon", List.of("/usr/bin/conmon", "--api-version", "1", "-c", ID, "-u", ID,
                "-r", "/usr/sbin/runc", "--exit-command", "/usr/bin/podman")))
                .contains(new CgroupRef("podman", ID, null, null, null));
    }

    @Test
    void aPodsShimAnIdThatIsNoIdAndOtherProgramsNameNothing() {
        assertThat(ServingRuntime.servedBy("containerd-shim", List.of("/usr/bin/containerd-shim-runc-v2", "-namespace",
                "k8s.io", "-id", ID))).isEmpty();
        assertThat(ServingRuntime.servedBy("containerd-shim", List.of("/usr/bin/containerd-shim-runc-v2", "-namespace",
                "moby", "-id", "../../etc"))).isEmpty();
        assertThat(ServingRuntime.servedBy("sh", List.of("sh", "-namespace", "moby", "-id", ID))).isEmpty();
        assertThat(ServingRuntime.servedBy("conmon", List.of("/usr/bin/conmon", "-c", ID))).as("CRI-O's conmon").isEmpty();
        assertThat(ServingRuntime.servedBy("x", List.of())).isEmpty();
    }
}
