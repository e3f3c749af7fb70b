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
    void treeDetailReadsWhatTreeShowsAndNothingElse() throws IOException {
        ProcReader proc = fixtureTree();
        Files.createSymbolicLink(root.resolve("2694/cwd"), Path.of("/srv"));
        ProcessInfo full = new ProcSnapshot(proc, new Clock(0, 0)).scan().get(2);
        ProcessInfo tree = new ProcSnapshot(proc, new Clock(0, 0)).scan(ProcSnapshot.Detail.TREE).get(2);

        assertThat(full.cwd()).isEqualTo("/srv");
        assertThat(full.namespaces()).hasSizeGreaterThan(1);
        // what tree shows (name, parent, user, pid inside, command line) and attributes with (cgroup, pid namespace)
        assertThat(tree.key()).isEqualTo(full.key());
        assertThat(tree.comm()).isEqualTo(full.comm());
        assertThat(tree.ppid()).isEqualTo(full.ppid());
        assertThat(tree.uid()).isEqualTo(full.uid());
        assertThat(tree.nsPids()).isEqualTo(full.nsPids());
        assertThat(tree.args()).isEqualTo(full.args());
        assertThat(tree.cgroup()).isEqualTo(full.cgroup());
        assertThat(tree.namespaces()).containsOnly(java.util.Map.entry("pid", 4026532183L));
        // and none of the reads it does not show
        assertThat(tree.exe()).isNull();
        assertThat(tree.cwd()).isNull();
    }

    /**
     * A heal or the check after attaching compares the table with /proc. For a process the table
     * already knows with the parent /proc shows, only its stat is read: here its other files are
     * removed after the first scan, and it still comes back as the caller knew it. Before, each
     * check read all fourteen files of every process (seconds of CPU at 20,000 processes, inside a
     * trace's first second).
     */
    @Test
    void rescanReadsOnlyStatForProcessesTheCallerKnowsUnchanged() throws IOException {
        ProcReader proc = fixtureTree();
        ProcSnapshot snapshot = new ProcSnapshot(proc, new Clock(0, 0));
        java.util.Map<Integer, ProcessInfo> known = new java.util.HashMap<>();
        snapshot.scan().forEach(p -> known.put(p.pid(), p));
        known.remove(2); // kthreadd: unknown to the caller, so read in full
        for (String f : List.of("status", "cgroup", "cmdline")) {
            Files.delete(root.resolve("2694").resolve(f));
        }
        ProcessInfo pid1 = known.get(1);
        known.put(1, new ProcessInfo(pid1.key(), 77, pid1.uid(), pid1.comm(), null, List.of("stale"), null,
                null, 0, pid1.nsPids(), pid1.namespaces(), 0, -1, 0, false)); // a parent other than /proc's

        java.util.Map<Integer, ProcessInfo> again = new java.util.HashMap<>();
        snapshot.rescan(pid -> java.util.Optional.ofNullable(known.get(pid))).forEach(p -> again.put(p.pid(), p));

        assertThat(again).containsOnlyKeys(1, 2, 2694);
        assertThat(again.get(2694)).as("unchanged: stat only, so the deleted files were not needed")
                .isSameAs(known.get(2694));
        assertThat(again.get(1).ppid()).as("parent changed: read again").isZero();
        assertThat(again.get(1).args()).isNotEqualTo(List.of("stale"));
        assertThat(again.get(2).kernelThread()).as("unknown to the caller: read in full").isTrue();

        Files.delete(root.resolve("2694/stat"));
        assertThat(snapshot.rescan(pid -> java.util.Optional.ofNullable(known.get(pid))))
                .as("gone from /proc: absent").extracting(ProcessInfo::pid).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void filesLargerThanTheReadBufferAreReadWhole() throws IOException {
        Path dir = Files.createDirectories(root.resolve("9"));
        String big = "x".repeat(200_000) + "\nend";
        Files.writeString(dir.resolve("environ"), big);
        Files.writeString(dir.resolve("small"), "a");
        ProcReader proc = new ProcReader(root);
        assertThat(proc.read(9, "environ")).contains(big);
        assertThat(proc.read(9, "small")).as("after a big file, the buffer is right for a small one").contains("a");
        assertThat(proc.read(9, "absent")).isEmpty();
        Files.write(dir.resolve("cmdline"), ("a\0" + "b".repeat(40_000) + "\0").getBytes());
        assertThat(proc.cmdline(9).orElseThrow().get(1)).hasSize(ProcReader.MAX_CMDLINE_BYTES - 2);
    }

    @Test
    void statusParsingTakesItsLinesAndSurvivesMalformedOnes() {
        ProcStatus st = ProcStatus.parse("Name:\tmy: name \nUmask:\t0022\nTgid:\t42\nPPid:\tx\n"
                + "Uid:\t1000\t1001\t1001\t1001\nno colon here\nNSpid:\t42\t7\t1\nCapEff:\t000001ffffffffff");
        assertThat(st.name()).isEqualTo("my: name");
        assertThat(st.tgid()).isEqualTo(42);
        assertThat(st.ppid()).as("malformed: unknown").isEqualTo(-1);
        assertThat(st.uid()).isEqualTo(1000);
        assertThat(st.nsPids()).containsExactly(42, 7, 1);
        assertThat(st.capEff()).as("last line without a newline").isEqualTo(0x1ffffffffffL);
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
