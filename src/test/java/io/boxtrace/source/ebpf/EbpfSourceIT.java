package io.boxtrace.source.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.source.SourceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The eBPF source against the real kernel (root): argv edge cases, failures, namespaces, filtering, a storm. */
class EbpfSourceIT {

    static {
        System.setProperty("jdk.lang.Process.launchMechanism", "FORK");
    }

    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final String tag = "bt" + UUID.randomUUID().toString().substring(0, 8);
    private EbpfSource source;

    private void start(boolean followSelf) throws Exception {
        source = new EbpfSource(SourceOptions.all());
        if (followSelf) {
            source.follow((int) ProcessHandle.current().pid());
        }
        source.start(events::add);
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int rc = p.waitFor();
        Thread.sleep(300);
        return rc;
    }

    private List<ExecEvent> execs() {
        return events.stream().filter(e -> e instanceof ExecEvent).map(e -> (ExecEvent) e).toList();
    }

    private ExecEvent execWith(String arg) {
        return execs().stream().filter(x -> x.args().contains(arg)).findFirst()
                .orElseThrow(() -> new AssertionError("no exec with " + arg));
    }

    @Test
    void capturesManyLongEmptyAndNonUtf8Arguments() throws Exception {
        start(true);
        List<String> many = new ArrayList<>(List.of("/bin/echo", tag));
        for (int i = 0; i < 100; i++) {
            many.add("arg" + i);
        }
        run(many.toArray(String[]::new));
        assertThat(execWith(tag).args()).isEqualTo(many);

        String longArg = tag + "x".repeat(4096);
        run("/bin/echo", longArg, "", "");
        ExecEvent l = execWith(longArg);
        assertThat(l.args()).containsExactly("/bin/echo", longArg, "", "");
        assertThat(l.argsTruncated()).isFalse();

        run("/bin/sh", "-c", "/bin/echo " + tag + "-u \"$(printf 'caf\\351')\"");
        assertThat(execWith(tag + "-u").args()).containsExactly("/bin/echo", tag + "-u", "caf\uFFFD");
    }

    @Test
    void argvPastTheByteLimitIsCutAndMarked() throws Exception {
        source = new EbpfSource(new SourceOptions(java.util.Set.of((int) ProcessHandle.current().pid()),
                java.util.Set.of(), 128, 64));
        source.start(events::add);
        run("/bin/echo", tag, "y".repeat(200));
        ExecEvent x = execWith(tag);
        assertThat(x.argsTruncated()).isTrue();
        assertThat(String.join("\0", x.args()).length()).isLessThanOrEqualTo(64);
    }

    @Test
    void reportsFailedExecsAndSignals() throws Exception {
        start(true);
        run("/bin/sh", "-c", ": " + tag + "; /nonexistent/" + tag + "; sleep 5 & kill -TERM $!; wait");
        ExecEvent failed = execs().stream().filter(x -> x.failed() && x.filename().equals("/nonexistent/" + tag))
                .findFirst().orElseThrow();
        assertThat(failed.errno()).isEqualTo(2);
        assertThat(events).anyMatch(e -> e instanceof ExitEvent x && x.signal() == 15);
        assertThat(events).anyMatch(e -> e instanceof ExitEvent x && x.exitCode() == 127);
    }

    @Test
    void capturesTheArgvOfProcessesThatLiveMicroseconds() throws Exception {
        start(true);
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            script.append("/bin/true ").append(tag).append('-').append(i).append(';');
        }
        run("/bin/sh", "-c", script.toString());
        for (int i = 0; i < 300; i++) {
            assertThat(execWith(tag + "-" + i).args()).containsExactly("/bin/true", tag + "-" + i);
        }
        assertThat(source.stats().lost()).isZero();
    }

    @Test
    void unshareAndNsenterProduceNamespaceOperationsWithTargets() throws Exception {
        start(true);
        Process holder = new ProcessBuilder("unshare", "-p", "-f", "-m", "-u", "--mount-proc",
                "/bin/sh", "-c", "sleep 5").start();
        Thread.sleep(500);
        long target = holder.descendants().filter(p -> p.info().command().orElse("").endsWith("sleep")).findFirst()
                .orElseThrow().pid();
        run("nsenter", "-t", Long.toString(target), "-m", "-u", "/bin/true", tag);
        holder.destroy();
        holder.waitFor();
        Thread.sleep(300);
        NamespaceEvent unshare = events.stream().filter(e -> e instanceof NamespaceEvent n
                && n.op() == NamespaceEvent.Op.UNSHARE).map(e -> (NamespaceEvent) e).findFirst().orElseThrow();
        assertThat(unshare.namespaces()).contains(Namespace.PID, Namespace.MNT, Namespace.UTS);
        assertThat(unshare.result()).isZero();
        long mntInode = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString()
                .replaceAll("\\D", ""));
        List<NamespaceEvent> setns = events.stream().filter(e -> e instanceof NamespaceEvent n
                && n.op() == NamespaceEvent.Op.SETNS).map(e -> (NamespaceEvent) e).toList();
        assertThat(setns).extracting(n -> n.namespaces().getFirst()).contains(Namespace.MNT, Namespace.UTS);
        assertThat(setns).allSatisfy(n -> {
            assertThat(n.inode()).as("the target's namespace, not ours").isPositive().isNotEqualTo(mntInode);
            assertThat(n.result()).isZero();
        });
        assertThat(execWith(tag).task().pidNs()).as("nsenter -t without -p stays in our pid ns").isPositive();
    }

    @Test
    void followingFiltersInTheKernel() throws Exception {
        Process a = new ProcessBuilder("/bin/sh", "-c", "sleep 0.5; /bin/echo " + tag + "-followed").start();
        Process b = new ProcessBuilder("/bin/sh", "-c", "sleep 0.5; /bin/echo " + tag + "-sibling").start();
        source = new EbpfSource(SourceOptions.all());
        source.follow((int) a.pid());
        source.start(events::add);
        a.waitFor();
        b.waitFor();
        Thread.sleep(300);
        assertThat(execWith(tag + "-followed").task().ppid()).isEqualTo((int) a.pid());
        assertThat(execs()).noneMatch(x -> x.args().contains(tag + "-sibling"));
        assertThat(events).allMatch(e -> !(e instanceof ExecEvent x) || x.task().pid() != (int) b.pid());
    }

    @Test
    void cgroupsMadeAndRemovedAreToldWithTheIdTheirTasksCarryEvenWhenFollowingOthers() throws Exception {
        ToldCgroups listener = new ToldCgroups();
        List<String> told = listener.told;
        source = new EbpfSource(SourceOptions.all());
        source.follow(1); // the in-kernel filter must not hide the runtime's mkdir
        source.onCgroupChanges(listener);
        source.start(events::add);
        Path v2 = Path.of("/sys/fs/cgroup");
        Path dir = (Files.exists(v2.resolve("cgroup.controllers")) ? v2 : v2.resolve("unified")).resolve(tag);
        Files.createDirectory(dir);
        long ino = ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
        Files.delete(dir);
        long deadline = System.currentTimeMillis() + 5_000;
        while (told.size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(told).containsExactly("made " + ino + " /" + tag, "removed " + ino);
    }
}
