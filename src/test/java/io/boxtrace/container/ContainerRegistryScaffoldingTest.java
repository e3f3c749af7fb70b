package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.source.procfs.ProcReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime scaffolding is never a container's own process, even when the kernel already reports the
 * container's cgroup for it: runc 1.1's {@code runc init} re-execs itself from a memfd while its
 * parent moves it into the new container's cgroup (the sequence below is the eBPF source's record
 * of one of 12 parallel {@code docker run}s on this host). A {@code --pid=host} container's own
 * programs share the host's pid namespace and are still the container's.
 */
class ContainerRegistryScaffoldingTest {

    static final String DOCKER_ID = "5fdd97c337ef926736f9175647f39fc8049f305f4f9db62db3980eacd0d3aa01";
    static final long HOST_PIDNS = 4026531836L;
    static final long CONTAINER_CGROUP = 7001L;

    @TempDir
    Path tmp;
    ContainerRegistry registry;

    @BeforeEach
    void setUp() throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        CgroupIdIndex index = new CgroupIdIndex(Files.createDirectories(tmp.resolve("cgroup")));
        index.cgroupCreated(CONTAINER_CGROUP, "/system.slice/docker-" + DOCKER_ID + ".scope");
        registry = new ContainerRegistry(new ProcReader(proc), new ContainerMetadata(
                new DockerClient(tmp.resolve("no-docker.sock")), new PodmanStore(tmp.resolve("no-podman.json")),
                warning -> { }), index, boot -> boot);
    }

    static ProcessInfo process(int pid, String comm, List<String> args, List<Integer> nsPids) {
        return new ProcessInfo(new ProcessKey(pid, 1_000L * pid), 1, 0, comm, null, args, "/",
                "/system.slice/docker-" + DOCKER_ID + ".scope", CONTAINER_CGROUP, nsPids,
                Map.of("pid", HOST_PIDNS), 0, Task.UNKNOWN, 0, false);
    }

    TracedEvent exec(int pid, String comm, String filename, List<String> args, long pidNs, int nsPid) {
        Task t = new Task(pid, pid, 1, 0, comm, CONTAINER_CGROUP, pidNs, nsPid);
        return new TracedEvent(new ExecEvent(5_000L + pid, t, filename, args, false, "/", 0,
                ExecEvent.ArgvSource.KERNEL), process(pid, comm, args, List.of(nsPid)), null, null);
    }

    @Test
    void runcInitReExecutingInTheContainersCgroupStaysOnTheRuntimesSide() {
        assertThat(registry.enrich(exec(100, "exe", "/proc/self/exe", List.of("runc", "init"), HOST_PIDNS, 100))
                .container()).isNull();
        assertThat(registry.enrich(exec(100, "runc", "/dev/fd/6", List.of("runc", "init"), HOST_PIDNS, 100))
                .container()).as("the memfd re-exec, already in the container's cgroup").isNull();
        // Its init stages fork from it and inherit the runtime's side.
        ProcessInfo parent = process(100, "runc:[0:PARENT]", List.of("runc", "init"), List.of(100));
        TracedEvent fork = new TracedEvent(new ForkEvent(6_000L, Task.ids(100, 100), 101, 101, 0),
                process(101, "runc:[0:PARENT]", List.of("runc", "init"), List.of(101)), parent, null);
        assertThat(registry.enrich(fork).container()).isNull();
        // The container's program, exec'd by runc:[2:INIT] in the container's pid namespace, is the container's.
        ContainerInfo c = registry.enrich(exec(102, "sh", "/bin/sh", List.of("sh", "-c", "true"), 4026532999L, 1))
                .container();
        assertThat(c).isNotNull();
        assertThat(c.id()).isEqualTo(DOCKER_ID);
    }

    @Test
    void aPidHostContainersOwnProgramsAreTheContainers() {
        assertThat(registry.enrich(exec(200, "runc", "/dev/fd/6", List.of("runc", "init"), HOST_PIDNS, 200))
                .container()).isNull();
        ContainerInfo c = registry.enrich(exec(201, "sleep", "/bin/sleep", List.of("sleep", "5"), HOST_PIDNS, 201))
                .container();
        assertThat(c).as("--pid=host: nspid equals pid, and it is still the container's").isNotNull();
        assertThat(c.id()).isEqualTo(DOCKER_ID);
    }

    @Test
    void anInitStageFoundRunningIsScaffoldingInAnyPidNamespace() {
        ProcessInfo waiting = process(300, "runc:[2:INIT]", List.of("runc", "init"), List.of(300, 1));
        assertThat(registry.enrich(new TracedEvent(new SnapshotEvent(7_000L, waiting), waiting, null, null))
                .container()).as("a created, not yet started container's init").isNull();
        ProcessInfo program = process(301, "sleep", List.of("sleep", "9"), List.of(301, 1));
        assertThat(registry.enrich(new TracedEvent(new SnapshotEvent(7_000L, program), program, null, null))
                .container()).isNotNull();
    }
}
