package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Paths recorded on this host (Docker, Podman, BuildKit, classic builder) and the documented forms of the others. */
class CgroupParserTest {

    private static final String ID = "bfb1112015e2b6c180dfbf5d733892f546b050cfc1206bab2edd6f6f7d8b1ea3";
    private static final String ID2 = "3ec4ae7b6ea4b9051a2ff64e7d3a41d6eebd956cdbcc6ecb7377d05c48039a03";

    private static CgroupRef parse(String path) {
        return CgroupParser.parse(path).orElseThrow(() -> new AssertionError("no container in " + path));
    }

    @Test
    void dockerWithCgroupfsAndSystemdDrivers() {
        assertThat(parse("/docker/" + ID)).isEqualTo(new CgroupRef("docker", ID, null, null, null));
        assertThat(parse("/system.slice/docker-" + ID + ".scope").id()).isEqualTo(ID);
        assertThat(parse("/system.slice/docker-" + ID + ".scope").runtime()).isEqualTo("docker");
    }

    @Test
    void podmanButNotItsConmon() {
        assertThat(parse("/libpod_parent/libpod-" + ID2)).isEqualTo(new CgroupRef("podman", ID2, null, null, null));
        assertThat(parse("/machine.slice/libpod-" + ID2 + ".scope").runtime()).isEqualTo("podman");
        assertThat(CgroupParser.parse("/libpod_parent/libpod-conmon-" + ID2)).isEmpty();
    }

    @Test
    void buildkitExecutorInsideDockerd() {
        CgroupRef r = parse("/docker/buildkit/456mx9mm1nhddm1mmmqtis852");
        assertThat(r.runtime()).isEqualTo("buildkit");
        assertThat(r.id()).isEqualTo("456mx9mm1nhddm1mmmqtis852");
        assertThat(r.parent()).isNull();
    }

    @Test
    void kubernetesCgroupfsAndSystemdWithPodUid() {
        String uid = "0d3f4b2a-9c1e-4b7a-8f2d-1a2b3c4d5e6f";
        CgroupRef a = parse("/kubepods/burstable/pod" + uid + "/" + ID);
        assertThat(a.runtime()).isEqualTo("kubernetes");
        assertThat(a.podUid()).isEqualTo(uid);
        assertThat(a.id()).isEqualTo(ID);
        CgroupRef b = parse("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + uid.replace('-', '_') + ".slice/cri-containerd-" + ID + ".scope");
        assertThat(b.podUid()).isEqualTo(uid);
        assertThat(b.runtime()).isEqualTo("kubernetes");
        assertThat(parse("/kubepods.slice/kubepods-pod" + uid.replace('-', '_') + ".slice/crio-" + ID + ".scope").id())
                .isEqualTo(ID);
    }

    @Test
    void crioAndContainerdOutsideKubernetes() {
        assertThat(parse("/system.slice/crio-" + ID + ".scope").runtime()).isEqualTo("crio");
        assertThat(parse("/system.slice/cri-containerd-" + ID + ".scope").runtime()).isEqualTo("containerd");
    }

    @Test
    void lxc() {
        assertThat(parse("/lxc/web1")).isEqualTo(new CgroupRef("lxc", "web1", null, null, null));
        assertThat(parse("/lxc.payload.web1/init.scope").id()).isEqualTo("web1");
    }

    @Test
    void nspawnMachineScopeAsMeasuredWithItsSupervisorLeftOut() {
        CgroupRef c = CgroupParser.parse("/machine.slice/machine-bt\\x2drt\\x2dnspawn1.scope/payload").orElseThrow();
        assertThat(c.runtime()).isEqualTo("nspawn");
        assertThat(c.id()).isEqualTo("bt-rt-nspawn1");
        assertThat(CgroupParser.parse("/machine.slice/machine-bt\\x2drt\\x2dnspawn1.scope/supervisor")).isEmpty();
        assertThat(CgroupParser.parse("/machine.slice/machine-qemu\\x2d1\\x2dvm.scope")).as("a VM").isEmpty();
        assertThat(CgroupParser.parse("/lxc.monitor.web")).as("LXC's monitor").isEmpty();
        assertThat(CgroupParser.parse("/lxc.payload.web/.lxc").orElseThrow().id()).as("lxc-attach").isEqualTo("web");
    }

    @Test
    void dockerInDockerIsInnermostWithItsParent() {
        CgroupRef r = parse("/docker/" + ID + "/docker/" + ID2);
        assertThat(r.id()).isEqualTo(ID2);
        assertThat(r.parent().id()).isEqualTo(ID);
        assertThat(r.parent().runtime()).isEqualTo("docker");
    }

    @Test
    void hostPathsAreNoContainer() {
        assertThat(CgroupParser.parse("/")).isEmpty();
        assertThat(CgroupParser.parse("/system.slice/ssh.service")).isEmpty();
        assertThat(CgroupParser.parse("/user.slice/user-1000.slice/session-2.scope")).isEmpty();
        assertThat(CgroupParser.parse(null)).isEmpty();
    }
}
