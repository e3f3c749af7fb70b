package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.source.procfs.CgroupPath;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cgroup paths of build containers as /proc/PID/cgroup showed them inside RUN steps on this host. */
class BuildCgroupsTest {

    /** `cat /proc/self/cgroup` inside a BuildKit RUN step (hybrid cgroup host). */
    static final String BUILDKIT_PROC_CGROUP = """
            9:name=systemd:/docker/buildkit/8tyec75qgp558al0hxj657vlv
            8:pids:/docker/buildkit/8tyec75qgp558al0hxj657vlv
            4:memory:/docker/buildkit/8tyec75qgp558al0hxj657vlv
            0::/docker/buildkit/8tyec75qgp558al0hxj657vlv
            """;
    /** The same inside a podman build RUN step: memory sits under the host's own parent. */
    static final String PODMAN_PROC_CGROUP = """
            9:name=systemd:/buildah-buildah390546235
            4:memory:/process_api/5fc3823a31642f9f7715dac650d918eb/buildah-buildah390546235
            0::/buildah-buildah390546235
            """;

    @Test
    void recognisesEachBuildersContainer() {
        assertThat(BuildCgroups.classify(CgroupPath.choose(BUILDKIT_PROC_CGROUP)))
                .isEqualTo(new BuildCgroups.Match("8tyec75qgp558al0hxj657vlv", "buildkit"));
        assertThat(BuildCgroups.classify(CgroupPath.choose(PODMAN_PROC_CGROUP)))
                .isEqualTo(new BuildCgroups.Match("buildah-buildah390546235", "podman"));
        String id = "33fffc3c337ef926736f9175647f39fc8049f305f4f9db62db3980eacd0d300d";
        assertThat(BuildCgroups.classify("/docker/" + id)).isEqualTo(new BuildCgroups.Match(id, "docker"));
        assertThat(BuildCgroups.classify("/system.slice/docker-" + id + ".scope")).isEqualTo(new BuildCgroups.Match(id, "docker"));
        assertThat(BuildCgroups.classify("/buildkit/abcdefghijklmnopqrstuvwxy")).extracting(BuildCgroups.Match::runtime).isEqualTo("buildkit");
        assertThat(BuildCgroups.classify("/")).isNull();
        assertThat(BuildCgroups.classify("/process_api/5fc3823a31642f9f7715dac650d918eb")).isNull();
        assertThat(BuildCgroups.classify("/docker")).isNull();
        assertThat(BuildCgroups.classify(null)).isNull();
    }

    @Test
    void enricherRereadsTheCgroupAtExecBecauseRuncMovedItsInitSilently() {
        // The table copied runc's cgroup "/" at the fork; /proc now says the executor's.
        ProcessInfo init = new ProcessInfo(new ProcessKey(29747, 1), 29707, 0, "sh", null, List.of("/bin/sh", "-c", "x"), "/",
                "/", 0, List.of(29747), Map.of(), 0, Task.UNKNOWN, 0, false);
        ExecEvent exec = new ExecEvent(2, Task.ids(29747, 29747), "/bin/sh", List.of("/bin/sh", "-c", "x"), false, "/", 0,
                ExecEvent.ArgvSource.PROC);
        BuildCgroupEnricher enricher = BuildCgroupEnricher.byPid(pid -> pid == 29747
                ? Optional.of(CgroupPath.choose(BUILDKIT_PROC_CGROUP)) : Optional.empty());
        ContainerInfo c = enricher.enrich(new TracedEvent(exec, init, null, null)).container();
        assertThat(c.id()).isEqualTo("8tyec75qgp558al0hxj657vlv");
        assertThat(c.runtime()).isEqualTo("buildkit");
        assertThat(c.cgroup()).isEqualTo("/docker/buildkit/8tyec75qgp558al0hxj657vlv");

        // Gone before the read: counted, no container. Another enricher's guess is replaced.
        ProcessInfo gone = new ProcessInfo(new ProcessKey(5, 1), 1, 0, "x", null, List.of(), "/", "/", 0, List.of(5), Map.of(),
                0, Task.UNKNOWN, 0, false);
        TracedEvent t = new TracedEvent(new ExecEvent(2, Task.ids(5, 5), "/x", List.of(), false, null, 0,
                ExecEvent.ArgvSource.GONE), gone, null, null);
        assertThat(enricher.enrich(t).container()).isNull();
        assertThat(enricher.misses()).isEqualTo(1);
        ContainerInfo stale = new ContainerInfo("buildah-buildah1", null, null, "unknown", Map.of(), null, "/buildah-buildah1");
        assertThat(enricher.enrich(new TracedEvent(exec, init, null, stale)).container().id())
                .isEqualTo("8tyec75qgp558al0hxj657vlv");
        assertThat(enricher.enrich(new TracedEvent(t.event(), gone, null, stale)).container()).isNull();
    }

    @Test
    void enricherPlacesAGoneProcessByTheKernelsCgroupId() {
        BuildCgroupEnricher enricher = new BuildCgroupEnricher(new BuildCgroupEnricher.CgroupLookup() {
            @Override
            public Optional<String> cgroup(int pid, long startNs) {
                return pid == 10 ? Optional.of("/docker/buildkit/8tyec75qgp558al0hxj657vlv") : Optional.empty();
            }

            @Override
            public long cgroupId(String path) {
                return 4242; // the directory's inode is the id the kernel reported at the exec
            }
        });
        Task first = new Task(10, 10, 9, 0, "sh", 4242, 0, Task.UNKNOWN);
        Task shortLived = new Task(11, 11, 10, 0, "cat", 4242, 0, Task.UNKNOWN);
        ProcessInfo p10 = new ProcessInfo(new ProcessKey(10, 1), 9, 0, "sh", null, List.of(), "/", "/", 0, List.of(10),
                Map.of(), 0, Task.UNKNOWN, 0, false);
        ProcessInfo p11 = new ProcessInfo(new ProcessKey(11, 2), 10, 0, "cat", null, List.of(), "/", "/", 0, List.of(11),
                Map.of(), 0, Task.UNKNOWN, 0, false);
        enricher.enrich(new TracedEvent(new ExecEvent(3, first, "/bin/sh", List.of("/bin/sh"), false, "/", 0,
                ExecEvent.ArgvSource.KERNEL), p10, null, null));
        ContainerInfo c = enricher.enrich(new TracedEvent(new ExecEvent(4, shortLived, "/bin/cat", List.of("cat"), false, "/", 0,
                ExecEvent.ArgvSource.KERNEL), p11, null, null)).container();
        assertThat(c.id()).isEqualTo("8tyec75qgp558al0hxj657vlv");
    }

    @Test
    void aProcessMovedAfterItsExecKeepsTheCgroupItHadAtTheExec() {
        // runc init exec'd in the host cgroup (id 1) and was moved into the executor before the read.
        BuildCgroupEnricher enricher = new BuildCgroupEnricher(new BuildCgroupEnricher.CgroupLookup() {
            @Override
            public Optional<String> cgroup(int pid, long startNs) {
                return Optional.of("/docker/buildkit/8tyec75qgp558al0hxj657vlv");
            }

            @Override
            public long cgroupId(String path) {
                return 777;
            }
        });
        ProcessInfo p = new ProcessInfo(new ProcessKey(20, 1), 19, 0, "runc", null, List.of(), "/", "/", 0, List.of(20),
                Map.of(), 0, Task.UNKNOWN, 0, false);
        ExecEvent onHost = new ExecEvent(3, new Task(20, 20, 19, 0, "runc", 1, 0, Task.UNKNOWN), "/usr/bin/runc",
                List.of("runc", "init"), false, "/", 0, ExecEvent.ArgvSource.KERNEL);
        assertThat(enricher.enrich(new TracedEvent(onHost, p, null, null)).container()).isNull();
        // A host process with the same cgroup id whose /proc is gone is not put in the executor.
        BuildCgroupEnricher gone = BuildCgroupEnricher.byPid(pid -> Optional.empty());
        assertThat(gone.enrich(new TracedEvent(onHost, p, null, null)).container()).isNull();
        // The exec inside the executor (id 777 = the directory's inode) is placed and remembered.
        ExecEvent inside = new ExecEvent(4, new Task(20, 20, 19, 0, "sh", 777, 0, Task.UNKNOWN), "/bin/sh",
                List.of("/bin/sh", "-c", "x"), false, "/", 0, ExecEvent.ArgvSource.KERNEL);
        assertThat(enricher.enrich(new TracedEvent(inside, p, null, null)).container().id()).isEqualTo("8tyec75qgp558al0hxj657vlv");
    }
}
