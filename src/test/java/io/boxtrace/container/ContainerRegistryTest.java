package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.source.procfs.ProcReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attribution engine on a fixture /proc and cgroup tree, with cgroup contents as this host's
 * runtimes showed them (BuildKit, Podman/Buildah, Docker on a hybrid host) and no runtime API to ask.
 */
class ContainerRegistryTest {

    static final String BUILDKIT = "/docker/buildkit/8tyec75qgp558al0hxj657vlv";
    static final String BUILDKIT_PROC_CGROUP = """
            9:name=systemd:/docker/buildkit/8tyec75qgp558al0hxj657vlv
            8:pids:/docker/buildkit/8tyec75qgp558al0hxj657vlv
            0::/docker/buildkit/8tyec75qgp558al0hxj657vlv
            """;
    static final String PODMAN_BUILD_PROC_CGROUP = """
            9:name=systemd:/buildah-buildah390546235
            4:memory:/process_api/5fc3823a31642f9f7715dac650d918eb/buildah-buildah390546235
            0::/buildah-buildah390546235
            """;
    static final String DOCKER_ID = "33fffc3c337ef926736f9175647f39fc8049f305f4f9db62db3980eacd0d300d";
    static final long BOOT_MINUS_MONO = 1_000_000_000L;
    static final long HOST_PIDNS = 4026531836L;

    @TempDir
    Path tmp;
    Path proc;
    Path cgroups;
    ContainerRegistry registry;

    @BeforeEach
    void setUp() throws IOException {
        proc = Files.createDirectories(tmp.resolve("proc"));
        cgroups = Files.createDirectories(tmp.resolve("cgroup"));
        ContainerMetadata meta = new ContainerMetadata(new DockerClient(tmp.resolve("no-docker.sock")),
                new PodmanStore(tmp.resolve("no-podman.json")), warning -> { });
        registry = new ContainerRegistry(new ProcReader(proc), meta, new CgroupIdIndex(cgroups),
                boot -> boot - BOOT_MINUS_MONO);
    }

    /** A /proc/PID with the given cgroup file and a start time of startNs (CLOCK_MONOTONIC). */
    void procEntry(int pid, String cgroup, long startNs) throws IOException {
        Path d = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(d.resolve("cgroup"), cgroup);
        long ticks = (startNs + BOOT_MINUS_MONO) / 10_000_000L;
        Files.writeString(d.resolve("stat"), pid + " (sh) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 " + ticks
                + " 0 0 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
        Files.writeString(d.resolve("status"), "Name:\tsh\nNSpid:\t" + pid + "\n");
    }

    static ProcessInfo process(int pid, long startNs, int ppid) {
        return new ProcessInfo(new ProcessKey(pid, startNs), ppid, 0, "sh", null, List.of("/bin/sh"), "/", "/", 0,
                List.of(pid), Map.of(), 0, Task.UNKNOWN, 0, false);
    }

    static TracedEvent exec(ProcessInfo p, long cgroupId, long timeNs) {
        // As the eBPF source reports it: the cgroup id and pid namespace at the exec (0: a source without them).
        Task t = new Task(p.pid(), p.pid(), p.ppid(), 0, "sh", cgroupId, cgroupId == 0 ? 0 : HOST_PIDNS,
                cgroupId == 0 ? Task.UNKNOWN : p.pid());
        return new TracedEvent(new ExecEvent(timeNs, t, "/bin/sh", List.of("/bin/sh", "-c", "x"), false, "/", 0,
                ExecEvent.ArgvSource.KERNEL), p, null, null);
    }

    static TracedEvent exit(ProcessInfo p, long timeNs) {
        return new TracedEvent(new ExitEvent(timeNs, Task.ids(p.pid(), p.pid()), 0, 0, false), p, null, null);
    }

    @Test
    void rereadsTheCgroupAtExecBecauseRuncMovedItsInitSilently() throws IOException {
        // The table copied runc's cgroup "/" at the fork; /proc now says the executor's.
        procEntry(29747, BUILDKIT_PROC_CGROUP, 5_000_000_000L);
        ContainerInfo c = registry.enrich(exec(process(29747, 5_000_000_000L, 29707), 0, 6_000_000_000L)).container();
        assertThat(c.id()).isEqualTo("8tyec75qgp558al0hxj657vlv");
        assertThat(c.runtime()).isEqualTo("buildkit");
        assertThat(c.cgroup()).isEqualTo(BUILDKIT);
        assertThat(registry.drainExtra()).extracting(t -> ((ContainerEvent) t.event()).kind())
                .containsExactly(ContainerEvent.Kind.START);
    }

    @Test
    void podmanBuildStepsAreContainersOfPodman() throws IOException {
        procEntry(40, PODMAN_BUILD_PROC_CGROUP, 5_000_000_000L);
        ContainerInfo c = registry.enrich(exec(process(40, 5_000_000_000L, 39), 0, 6_000_000_000L)).container();
        assertThat(c.id()).isEqualTo("buildah-buildah390546235");
        assertThat(c.runtime()).isEqualTo("podman");
    }

    @Test
    void aReusedPidIsNotReadForTheProcessTheEventIsAbout() throws IOException {
        // /proc/50 is a later process (started 2 s after ours) in a Docker container: ours is not in it.
        procEntry(50, "0::/docker/" + DOCKER_ID + "\n", 7_000_000_000L);
        ContainerInfo c = registry.enrich(exec(process(50, 5_000_000_000L, 1), 0, 6_000_000_000L)).container();
        assertThat(c).isNull();
    }

    @Test
    void theKernelsCgroupIdPlacesAProcessGoneBeforeProcCouldBeRead() throws IOException {
        Path dir = Files.createDirectories(cgroups.resolve(BUILDKIT.substring(1)));
        long inode = ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
        // Gone from /proc at once: only the kernel's cgroup id at the exec says where it was.
        ContainerInfo c = registry.enrich(exec(process(11, 5_000_000_000L, 10), inode, 6_000_000_000L)).container();
        assertThat(c).isNotNull();
        assertThat(c.id()).isEqualTo("8tyec75qgp558al0hxj657vlv");
    }

    @Test
    void aContainerMadeAndRemovedBetweenTwoWalksIsNamedByTheKernelsMkdir() throws IOException {
        // A classic-builder step: its cgroup was made, its one process ran and the cgroup was removed
        // before the pipeline reached the exec. No directory, no /proc: only the kernel's mkdir record.
        CgroupIdIndex index = new CgroupIdIndex(cgroups);
        registry = new ContainerRegistry(new ProcReader(proc), new ContainerMetadata(
                new DockerClient(tmp.resolve("no-docker.sock")), new PodmanStore(tmp.resolve("no-podman.json")),
                warning -> { }), index, boot -> boot - BOOT_MINUS_MONO);
        long id = 987_654_321L;
        index.cgroupCreated(id, "/docker/" + DOCKER_ID);
        index.cgroupRemoved(id);
        ProcessInfo step = process(12, 5_000_000_000L, 1);
        Task t = new Task(12, 12, 1, 0, "sh", id, 4026532186L, 1);
        TracedEvent exec = new TracedEvent(new ExecEvent(5_100_000_000L, t, "/bin/sh", List.of("/bin/sh", "-c", "echo"),
                false, "/", 0, ExecEvent.ArgvSource.KERNEL), step, null, null);
        ContainerInfo c = registry.enrich(exec).container();
        assertThat(c).isNotNull();
        assertThat(c.id()).isEqualTo(DOCKER_ID);
        assertThat(c.runtime()).isEqualTo("docker");
    }

    static ProcessInfo shim(int pid, String namespace, String id) {
        return shim(pid, 1_000_000_000L, namespace, id);
    }

    static ProcessInfo shim(int pid, long startNs, String namespace, String id) {
        return new ProcessInfo(new ProcessKey(pid, startNs), 1, 0, "containerd-shim", null,
                List.of("/usr/bin/containerd-shim-runc-v2", "-namespace", namespace, "-id", id, "-address",
                        "/var/run/docker/containerd/containerd.sock"), "/", "/", 0, List.of(pid), Map.of(), 0, Task.UNKNOWN, 0, false);
    }

    static TracedEvent execUnder(ProcessInfo p, ProcessInfo parent) {
        // As the audit source reports it: no cgroup id, no pid namespace.
        Task t = new Task(p.pid(), p.pid(), parent.pid(), 0, "true", 0, 0, Task.UNKNOWN);
        return new TracedEvent(new ExecEvent(p.startNs() + 1_000_000, t, "/bin/true", List.of("/bin/true"), false, "/", 0,
                ExecEvent.ArgvSource.KERNEL), p, parent, null);
    }

    @Test
    void aProcessGoneWithoutACgroupIdIsPlacedByTheHostShimThatServesItsContainer() {
        // audit source, `docker run --rm IMG /bin/true`: gone from /proc before the pipeline read it
        ContainerInfo c = registry.enrich(execUnder(process(21, 5_000_000_000L, 20), shim(20, "moby", DOCKER_ID))).container();
        assertThat(c).isNotNull();
        assertThat(c.id()).isEqualTo(DOCKER_ID);
        assertThat(c.runtime()).isEqualTo("docker");
        // The shim's own runc children (create, start, delete) serve the container without being part of it,
        // and a program whose argv was lost could be one of them.
        ProcessInfo runc = new ProcessInfo(new ProcessKey(22, 5_000_000_000L), 20, 0, "runc", null,
                List.of("runc", "--root", "/var/run/docker/runtime-runc/moby", "start", DOCKER_ID), "/", "/", 0,
                List.of(22), Map.of(), 0, Task.UNKNOWN, 0, false);
        assertThat(registry.enrich(execUnder(runc, shim(20, "moby", DOCKER_ID))).container()).isNull();
        ProcessInfo unknown = new ProcessInfo(new ProcessKey(23, 5_000_000_000L), 20, 0, "containerd-shim", null,
                List.of(), "/", "/", 0, List.of(23), Map.of(), 0, Task.UNKNOWN, 0, false);
        assertThat(registry.enrich(execUnder(unknown, shim(20, "moby", DOCKER_ID))).container()).isNull();
        // A pod's shim in Kubernetes serves every container of the pod under the sandbox's id: not believed.
        assertThat(registry.enrich(execUnder(process(31, 5_000_000_000L, 30), shim(30, "k8s.io", DOCKER_ID.replace('3', '4'))))
                .container()).isNull();
    }

    @Test
    void aShimInsideAContainerNamesNoOtherContainer() throws IOException {
        procEntry(40, "0::/docker/" + DOCKER_ID + "\n", 5_000_000_000L);
        ProcessInfo fake = shim(40, 5_000_000_000L, "moby", "a".repeat(64));
        assertThat(registry.enrich(exec(fake, 0, 5_100_000_000L)).container().id()).as("in its own container")
                .isEqualTo(DOCKER_ID);
        ContainerInfo c = registry.enrich(execUnder(process(41, 5_200_000_000L, 40), fake)).container();
        assertThat(c == null ? null : c.id()).isNotEqualTo("a".repeat(64));
    }

    @Test
    void aForkInheritsItsParentsContainerAndTheLastExitStopsIt() throws IOException {
        procEntry(60, "0::/docker/" + DOCKER_ID + "\n", 5_000_000_000L);
        ProcessInfo parent = process(60, 5_000_000_000L, 1);
        ContainerInfo c = registry.enrich(exec(parent, 0, 5_100_000_000L)).container();
        assertThat(c.runtime()).isEqualTo("docker");
        ProcessInfo child = process(61, 5_200_000_000L, 60);
        TracedEvent fork = new TracedEvent(new ForkEvent(5_200_000_000L, Task.ids(60, 60), 61, 61, 0), child, parent, null);
        assertThat(registry.enrich(fork).container()).isSameAs(c);
        assertThat(registry.live()).containsExactly(c);
        registry.enrich(exit(child, 5_300_000_000L));
        registry.enrich(exit(parent, 5_400_000_000L));
        assertThat(registry.live()).isEmpty();
        assertThat(registry.drainExtra()).extracting(t -> ((ContainerEvent) t.event()).kind())
                .containsExactly(ContainerEvent.Kind.START, ContainerEvent.Kind.STOP);
    }

    static TracedEvent execInPidNs(ProcessInfo p, long pidNs, int nsPid, long timeNs) {
        Task t = new Task(p.pid(), p.pid(), p.ppid(), 0, "sh", 0, pidNs, nsPid);
        return new TracedEvent(new ExecEvent(timeNs, t, "/bin/sh", List.of("/bin/sh"), false, "/", 0,
                ExecEvent.ArgvSource.KERNEL), p, null, null);
    }

    @Test
    void aProcessThatJoinedTheContainersPidNamespaceBelongsToItAndIsForgottenWithIt() throws IOException {
        long containerNs = 4026532999L;
        procEntry(70, "0::/docker/" + DOCKER_ID + "\n", 5_000_000_000L);
        ProcessInfo init = process(70, 5_000_000_000L, 1);
        ContainerInfo c = registry.enrich(execInPidNs(init, containerNs, 1, 5_100_000_000L)).container();
        assertThat(c.id()).isEqualTo(DOCKER_ID);
        // nsenter/setns: the host's cgroup, the container's pid namespace.
        procEntry(80, "0::/user.slice\n", 5_200_000_000L);
        ProcessInfo joined = process(80, 5_200_000_000L, 79);
        assertThat(registry.enrich(execInPidNs(joined, containerNs, 5, 5_300_000_000L)).container()).isSameAs(c);
        registry.enrich(exit(joined, 5_400_000_000L));
        registry.enrich(exit(init, 5_500_000_000L));
        assertThat(registry.live()).isEmpty();
        assertThat(registry.knownContainers()).as("a stopped container is forgotten").isZero();
        // The kernel reuses the namespace's inode: a later host process with it is not put in the old container.
        procEntry(90, "0::/user.slice\n", 6_000_000_000L);
        assertThat(registry.enrich(execInPidNs(process(90, 6_000_000_000L, 1), containerNs, 3, 6_100_000_000L))
                .container().id()).isNotEqualTo(DOCKER_ID);
    }

    @Test
    void aProcessPlacedByItsPidNamespaceNeverTeachesItsHostCgroupAsTheContainer() throws IOException {
        long containerNs = 4026533083L;
        Path root = Files.createDirectories(cgroups.resolve("user.slice")); // where host shells and nsenter'd processes live
        long rootId = ((Number) Files.getAttribute(root, "unix:ino")).longValue();
        Files.createDirectories(cgroups.resolve("docker").resolve(DOCKER_ID));
        procEntry(70, "0::/docker/" + DOCKER_ID + "\n", 5_000_000_000L);
        ProcessInfo init = process(70, 5_000_000_000L, 1);
        assertThat(registry.enrich(execInPidNs(init, containerNs, 1, 5_100_000_000L)).container().id()).isEqualTo(DOCKER_ID);
        // A debug shell: root cgroup, the container's pid namespace, with the kernel's cgroup id.
        ProcessInfo debug = process(80, 5_200_000_000L, 79);
        Task t = new Task(80, 80, 79, 0, "sh", rootId, containerNs, 5);
        TracedEvent joined = new TracedEvent(new ExecEvent(5_300_000_000L, t, "/bin/sh", List.of("sh"), false, "/", 0,
                ExecEvent.ArgvSource.KERNEL), debug, null, null);
        assertThat(registry.enrich(joined).container().id()).isEqualTo(DOCKER_ID);
        // A host shell in the same root cgroup, in the host's pid namespace: on the host.
        ProcessInfo host = process(90, 5_400_000_000L, 1);
        Task h = new Task(90, 90, 1, 0, "docker", rootId, HOST_PIDNS, 90);
        TracedEvent onHost = new TracedEvent(new ExecEvent(5_500_000_000L, h, "/usr/bin/docker", List.of("docker"), false,
                "/", 0, ExecEvent.ArgvSource.KERNEL), host, null, null);
        assertThat(registry.enrich(onHost).container()).isNull();
    }
}
