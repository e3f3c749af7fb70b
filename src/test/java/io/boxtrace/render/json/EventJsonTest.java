package io.boxtrace.render.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.event.Clock;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    // 2026-11-23T00:00:00Z = 1795392000 s since the epoch; monotonic 1000 s maps to it.
    private static final long EPOCH_NS = 1_795_392_000_000_000_000L;
    private final Clock clock = new Clock(EPOCH_NS - 1_000_000_000_000L, 0);
    private final EventJson json = new EventJson(clock);
    private final ObjectMapper mapper = new ObjectMapper();
    private final ContainerInfo web = new ContainerInfo("a".repeat(64), "web", "nginx:1", "docker", Map.of(), null, "/docker/x");

    private ProcessInfo proc(int pid, int ppid, long startNs) {
        return new ProcessInfo(new ProcessKey(pid, startNs), ppid, 0, "sh", "/bin/sh", List.of("sh"), "/", null, 0,
                List.of(pid, 7), Map.of(), 0, Task.UNKNOWN, 0, false);
    }

    private JsonNode parse(TracedEvent t) throws Exception {
        return mapper.readTree(json.toJson(t));
    }

    @Test
    void execCarriesArgvAndContainerAndRfc3339Time() throws Exception {
        Task task = new Task(42, 42, 41, 0, "echo", 0, 0, 7);
        var exec = new ExecEvent(1_000_000_000_123L, task, "/bin/echo", List.of("echo", "a b", ""), false, "/tmp", 0,
                ExecEvent.ArgvSource.KERNEL);
        JsonNode n = parse(new TracedEvent(exec, proc(42, 41, 999_000_000_000L), null, web));
        assertThat(n.get("type").asText()).isEqualTo("exec");
        assertThat(n.get("time").asText()).isEqualTo("2026-11-23T00:00:00.000000123Z");
        assertThat(n.get("mono_ns").asLong()).isEqualTo(1_000_000_000_123L);
        assertThat(n.get("pid").asInt()).isEqualTo(42);
        assertThat(n.get("ppid").asInt()).isEqualTo(41);
        assertThat(n.get("nspid").asInt()).isEqualTo(7);
        assertThat(n.get("filename").asText()).isEqualTo("/bin/echo");
        assertThat(mapper.convertValue(n.get("args"), List.class)).containsExactly("echo", "a b", "");
        assertThat(n.get("args_source").asText()).isEqualTo("kernel");
        assertThat(n.has("errno")).isFalse();
        assertThat(n.get("container").get("name").asText()).isEqualTo("web");
        assertThat(n.get("container").get("runtime").asText()).isEqualTo("docker");
    }

    @Test
    void hostProcessHasNullContainerAndFailedExecHasErrno() throws Exception {
        var exec = new ExecEvent(1_000_000_000_000L, Task.ids(5, 5), "/nope", List.of(), false, null, 2,
                ExecEvent.ArgvSource.KERNEL);
        JsonNode n = parse(TracedEvent.bare(exec));
        assertThat(n.get("container").isNull()).isTrue();
        assertThat(n.get("errno").asInt()).isEqualTo(2);
    }

    @Test
    void exitBySignalNamesItAndGivesDuration() throws Exception {
        ExitEvent exit = ExitEvent.fromWaitStatus(1_001_500_000_000L, Task.ids(42, 42), 9);
        JsonNode n = parse(new TracedEvent(exit, proc(42, 41, 1_000_000_000_000L), null, null));
        assertThat(n.get("signal").asInt()).isEqualTo(9);
        assertThat(n.get("signal_name").asText()).isEqualTo("SIGKILL");
        assertThat(n.has("exit_code")).isFalse();
        assertThat(n.get("duration_ms").asDouble()).isEqualTo(1500.0);
    }

    @Test
    void normalExitGivesCode() throws Exception {
        ExitEvent exit = ExitEvent.fromWaitStatus(1_000_000_000_000L, Task.ids(42, 42), 3 << 8);
        JsonNode n = parse(TracedEvent.bare(exit));
        assertThat(n.get("exit_code").asInt()).isEqualTo(3);
        assertThat(n.has("signal")).isFalse();
    }

    @Test
    void forkNamesNamespacesCreatedByCloneFlags() throws Exception {
        long flags = Namespace.PID.cloneFlag() | Namespace.NET.cloneFlag() | 0x11;
        var fork = new ForkEvent(1_000_000_000_000L, new Task(10, 10, 1, 0, "runc", 0, 0, 10), 11, 11, flags);
        JsonNode n = parse(TracedEvent.bare(fork));
        assertThat(n.get("pid").asInt()).isEqualTo(11);
        assertThat(n.get("parent_pid").asInt()).isEqualTo(10);
        assertThat(n.get("thread").asBoolean()).isFalse();
        assertThat(mapper.convertValue(n.get("namespaces"), List.class)).containsExactly("pid", "net");
    }

    @Test
    void namespaceAndLostEvents() throws Exception {
        var ns = new NamespaceEvent(1_000_000_000_000L, Task.ids(3, 3), NamespaceEvent.Op.SETNS, List.of(Namespace.MNT),
                null, null, 4026531840L, 0, 0);
        JsonNode n = parse(TracedEvent.bare(ns));
        assertThat(n.get("op").asText()).isEqualTo("setns");
        assertThat(n.get("inode").asLong()).isEqualTo(4026531840L);
        assertThat(n.get("result").asInt()).isZero();
        JsonNode lost = parse(TracedEvent.bare(new LostEvent(1_000_000_000_000L, "netlink", 17, "ENOBUFS")));
        assertThat(lost.get("count").asLong()).isEqualTo(17);
        assertThat(lost.get("source").asText()).isEqualTo("netlink");
    }

    @Test
    void nestedContainerChainIsWritten() throws Exception {
        var inner = new ContainerInfo("b".repeat(64), null, null, "docker", Map.of(), web, null);
        var exec = new ExecEvent(1_000_000_000_000L, Task.ids(5, 5), "/x", List.of("x"), false, null, 0,
                ExecEvent.ArgvSource.PROC);
        JsonNode n = parse(new TracedEvent(exec, null, null, inner));
        assertThat(n.get("container").has("name")).isFalse();
        assertThat(n.get("container").get("parent_container").get("name").asText()).isEqualTo("web");
    }
}
