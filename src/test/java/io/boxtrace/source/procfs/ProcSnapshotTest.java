package io.boxtrace.source.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.Clock;
import io.boxtrace.event.ProcessInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parses a /proc tree laid out from files copied off this kernel (src/test/resources/proc-fixture):
 * pid 1, the kernel thread kthreadd (2), and a Docker container's init (2694, NSpid 2694 1). The
 * symlinks /proc keeps (exe, ns/*) are stored as text and made into real links here.
 */
class ProcSnapshotTest {

    @TempDir
    Path root;

    private ProcReader fixtureTree() throws IOException {
        for (String pid : List.of("1", "2", "2694")) {
            Path dir = Files.createDirectories(root.resolve(pid));
            for (String f : List.of("stat", "status", "cgroup", "cmdline")) {
                try (InputStream in = getClass().getResourceAsStream("/proc-fixture/" + pid + "/" + f)) {
                    if (in != null) {
                        Files.write(dir.resolve(f), in.readAllBytes());
                    }
                }
            }
            try (InputStream in = getClass().getResourceAsStream("/proc-fixture/" + pid + "/exe.txt")) {
                String target = in == null ? "" : new String(in.readAllBytes()).trim();
                if (!target.isEmpty()) { // pid 1's exe was unreadable even to root on this host
                    Files.createSymbolicLink(dir.resolve("exe"), Path.of(target));
                }
            }
            try (InputStream in = getClass().getResourceAsStream("/proc-fixture/" + pid + "/ns.txt")) {
                if (in != null) {
                    Path ns = Files.createDirectories(dir.resolve("ns"));
                    for (String line : new String(in.readAllBytes()).split("\n")) {
                        String[] kv = line.split(" ");
                        if (kv.length < 2) {
                            continue; // unreadable on the source host, as pid 1's were
                        }
                        Files.createSymbolicLink(ns.resolve(kv[0]), Path.of(kv[1]));
                    }
                }
            }
        }
        Files.createDirectories(root.resolve("self")); // not a pid: ignored
        return new ProcReader(root);
    }

    @Test
    void readsProcessesParentsFirstWithContainerFacts() throws IOException {
        Clock clock = new Clock(0, 0);
        List<ProcessInfo> all = new ProcSnapshot(fixtureTree(), clock).scan();
        assertThat(all).extracting(ProcessInfo::pid).containsExactly(1, 2, 2694);

        ProcessInfo container = all.get(2);
        assertThat(container.comm()).isEqualTo("sleep");
        assertThat(container.nsPids()).containsExactly(2694, 1);
        assertThat(container.innermostPid()).isEqualTo(1);
        assertThat(container.uid()).isZero();
        assertThat(container.cgroup()).isEqualTo("/docker/bfb1112015e2b6c180dfbf5d733892f546b050cfc1206bab2edd6f6f7d8b1ea3");
        assertThat(container.namespaces()).containsEntry("pid", 4026532183L).containsEntry("net", 4026532184L);
        assertThat(container.args()).containsExactly("sleep", "300");
        assertThat(container.startNs()).as("start time ticks → ns").isPositive().isEqualTo(
                new ProcReader(root).stat(2694).orElseThrow().startTicks() * 10_000_000L);

        ProcessInfo kthreadd = all.get(1);
        assertThat(kthreadd.kernelThread()).isTrue();
        assertThat(kthreadd.args()).isEmpty();
        assertThat(container.exe()).as("busybox applet behind /bin/sh").isEqualTo("/bin/sh");
        assertThat(all.get(0).exe()).as("unreadable link: unknown, not an error").isNull();
    }

    @Test
    void statParsingSurvivesCommsWithSpacesAndParentheses() {
        ProcStat st = ProcStat.parse("42 (my (weird) name) S 7 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 1234 0 0")
                .orElseThrow();
        assertThat(st.comm()).isEqualTo("my (weird) name");
        assertThat(st.ppid()).isEqualTo(7);
        assertThat(st.startTicks()).isEqualTo(1234);
        assertThat(ProcStat.parse("garbage")).isEmpty();
    }

    @Test
    void cgroupChoiceOnV2V1AndHybridHosts() {
        assertThat(CgroupPath.choose("0::/system.slice/docker-abc.scope\n")).isEqualTo("/system.slice/docker-abc.scope");
        assertThat(CgroupPath.choose("12:pids:/kubepods/pod1/abc\n1:name=systemd:/kubepods/pod1/abc\n0::/\n"))
                .isEqualTo("/kubepods/pod1/abc");
        assertThat(CgroupPath.choose("3:cpu:/\n2:memory:/lxc/x\n")).isEqualTo("/lxc/x");
        assertThat(CgroupPath.choose("0::/\n")).isEqualTo("/");
    }

    @Test
    void nulSeparatedCmdlineKeepsEmptyArgumentsButNotTheTrailingNul() {
        assertThat(ProcReader.splitNul("a\0\0b c\0".getBytes())).containsExactly("a", "", "b c");
        assertThat(ProcReader.parseNsLink("pid:[4026531836]")).contains(4026531836L);
    }
}
