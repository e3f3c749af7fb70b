package io.boxtrace.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxtrace.analysis.tree.ContainerTree;
import io.boxtrace.container.RuntimeContainer;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.source.procfs.ProcReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetResolverTest {

    private static final String WEB = "abc1230000000000000000000000000000000000000000000000000000000000";
    private static final String DB = "abd4560000000000000000000000000000000000000000000000000000000000";
    private static final String NAMED_LIKE_PREFIX = "ffe7890000000000000000000000000000000000000000000000000000000000";

    @TempDir
    Path proc;

    private final List<ProcessInfo> live = new ArrayList<>();
    private final Map<Integer, ContainerInfo> containerOf = new HashMap<>();
    private final Map<String, Integer> runtimePids = new HashMap<>();
    private final List<RuntimeContainer> known = new ArrayList<>();

    private void process(int pid, int ppid, int nspid, String comm, String cgroup, ContainerInfo c, long ticks) throws Exception {
        live.add(new ProcessInfo(new ProcessKey(pid, pid * 1000L), ppid, 0, comm, null, List.of(comm), "/", cgroup, 0,
                nspid == pid ? List.of(pid) : List.of(pid, nspid), Map.of(), 0, -1, 0, false));
        containerOf.put(pid, c);
        Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(proc.resolve(pid + "/stat"), pid + " (" + comm + ") S " + ppid
                + " 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 " + ticks + " 0 0\n");
    }

    private static ContainerInfo container(String id, String name) {
        return new ContainerInfo(id, name, "img", "docker", Map.of(), null, "/docker/" + id);
    }

    private TargetResolver resolver() {
        List<ContainerTree.Group> groups = ContainerTree.build(live, containerOf::get).containers();
        return new TargetResolver(groups, () -> known, c -> runtimePids.getOrDefault(c.id(), 0), new ProcReader(proc));
    }

    private void twoContainers() throws Exception {
        ContainerInfo web = container(WEB, "web");
        ContainerInfo db = container(DB, "db");
        ContainerInfo odd = container(NAMED_LIKE_PREFIX, "ab"); // a name that is also a prefix of the others
        process(100, 1, 100, "containerd-shim", "/system.slice/containerd.service", null, 10);
        process(101, 100, 1, "nginx", "/docker/" + WEB, web, 11);
        process(102, 101, 7, "worker", "/docker/" + WEB, web, 12);
        process(200, 100, 1, "postgres", "/docker/" + DB, db, 20);
        process(300, 100, 1, "sleep", "/docker/" + NAMED_LIKE_PREFIX, odd, 30);
    }

    @Test
    void anExactNameWinsOverAnIdPrefixAndAUniquePrefixResolves() throws Exception {
        twoContainers();
        DebugTarget byName = resolver().resolve("ab");
        assertThat(byName.id()).isEqualTo(NAMED_LIKE_PREFIX);
        assertThat(byName.pid()).isEqualTo(300);
        DebugTarget byPrefix = resolver().resolve("abc");
        assertThat(byPrefix).isEqualTo(new DebugTarget(WEB, "web", "docker", 101, 11));
        assertThat(resolver().resolve("/db").pid()).isEqualTo(200);
    }

    @Test
    void anAmbiguousPrefixListsEveryCandidate() throws Exception {
        twoContainers();
        assertThatThrownBy(() -> resolver().resolve("a"))
                .isInstanceOfSatisfying(DebugException.class, e -> assertThat(e.kind()).isEqualTo(DebugException.Kind.AMBIGUOUS))
                .hasMessage("container a is ambiguous: abc123000000 (web, docker), abd456000000 (db, docker)");
    }

    @Test
    void aStoppedContainerIsNotRunningAndAnUnknownOneDoesNotExist() throws Exception {
        twoContainers();
        known.add(new RuntimeContainer("0123450000", "stopped-one", "docker", false));
        assertThatThrownBy(() -> resolver().resolve("stopped-one")).hasMessage("container stopped-one is not running")
                .isInstanceOfSatisfying(DebugException.class, e -> assertThat(e.kind()).isEqualTo(DebugException.Kind.NOT_RUNNING));
        assertThatThrownBy(() -> resolver().resolve("01234")).hasMessage("container 01234 is not running");
        assertThatThrownBy(() -> resolver().resolve("nothing\u001b[31m")).hasMessage("no such container: nothing??31m")
                .isInstanceOfSatisfying(DebugException.class,
                        e -> assertThat(e.kind()).isEqualTo(DebugException.Kind.NO_SUCH_CONTAINER));
    }

    @Test
    void theRuntimesMainProcessIsTakenWhenItIsNotPid1() throws Exception {
        // A container sharing another's pid namespace: its own main process has pid 5 there.
        ContainerInfo shared = container(WEB, "shares-pid-ns");
        process(100, 1, 100, "containerd-shim", "/system.slice/containerd.service", null, 10);
        process(400, 100, 5, "sleep", "/docker/" + WEB, shared, 40);
        process(401, 400, 6, "child", "/docker/" + WEB, shared, 41);
        assertThat(resolver().resolve("shares-pid-ns").pid()).as("no runtime answer: oldest root").isEqualTo(400);
        runtimePids.put(WEB, 401);
        assertThat(resolver().resolve("shares-pid-ns").pid()).isEqualTo(401);
        runtimePids.put(WEB, 999); // not one of the container's processes: not trusted
        assertThat(resolver().resolve("shares-pid-ns").pid()).isEqualTo(400);
    }

    @Test
    void aDebugSessionIsNeverTakenForTheContainersMainProcess() throws Exception {
        ContainerInfo web = container(WEB, "web");
        process(100, 1, 100, "containerd-shim", "/system.slice/containerd.service", null, 10);
        process(500, 1, 500, "java", "/user.slice", null, 5);
        process(501, 500, 3, ContainerTree.DEBUG_SESSION_COMM, "/user.slice", web, 50);
        process(502, 100, 4, "sleep", "/docker/" + WEB, web, 51);
        assertThat(resolver().resolve("web").pid()).isEqualTo(502);
    }

    @Test
    void aRunningContainerWhoseNameHasNotArrivedIsFoundByTheIdTheRuntimeGivesForIt() throws Exception {
        // Docker answered the name look-up too slowly: the processes carry the id only, the runtime's list has the name
        ContainerInfo unnamed = container(WEB, null);
        process(101, 100, 1, "nginx", "/docker/" + WEB, unnamed, 11);
        known.add(new RuntimeContainer(WEB, "web", "docker", true));
        runtimePids.put(WEB, 101);
        assertThat(resolver().resolve("web").pid()).isEqualTo(101);
    }
}
