package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.source.procfs.ProcReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Naming containers known only by their own pid namespace, on fixture /proc trees that reproduce
 * what was measured on this host (docs/runtimes.md): the process tree, the argv of the runtime's
 * process outside the namespace, pid namespace links and uid maps.
 */
class PidNsRuntimesTest {

    private static final long HOST_NS = 4026531836L;
    private static final long CONTAINER_NS = 4026532351L;
    @TempDir
    Path tmp;
    private Path proc;
    private Path run;
    private PidNsRuntimes runtimes;

    @BeforeEach
    void setUp() throws IOException {
        proc = Files.createDirectories(tmp.resolve("proc"));
        run = Files.createDirectories(tmp.resolve("run"));
        runtimes = new PidNsRuntimes(new ProcReader(proc), run);
    }

    private void process(int pid, int ppid, String comm, int uid, long pidNs, List<Integer> nsPids, String... argv)
            throws IOException {
        Path d = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        StringBuilder ns = new StringBuilder();
        nsPids.forEach(n -> ns.append(ns.isEmpty() ? "" : "\t").append(n));
        Files.writeString(d.resolve("status"), "Name:\t" + comm + "\nPPid:\t" + ppid + "\nUid:\t" + uid + "\t" + uid
                + "\t" + uid + "\t" + uid + "\nNSpid:\t" + ns + "\n");
        Files.writeString(d.resolve("cmdline"), String.join("\0", argv) + "\0");
        Files.createDirectories(d.resolve("ns"));
        Files.createSymbolicLink(d.resolve("ns").resolve("pid"), Path.of("pid:[" + pidNs + "]"));
    }

    @Test
    void systemdNspawnNamesItsMachine() throws IOException {
        process(9304, 9299, "systemd-nspawn", 0, HOST_NS, List.of(9304), "systemd-nspawn", "-q", "--keep-unit",
                "--register=no", "-D", "/var/lib/machines/web", "-M", "bt-web", "/bin/sleep", "15");
        process(9317, 9304, "sleep", 0, CONTAINER_NS, List.of(9317, 1), "/bin/sleep", "15");
        ContainerInfo c = runtimes.identify(9317, CONTAINER_NS, "/payload").orElseThrow();
        assertThat(c.runtime()).isEqualTo("nspawn");
        assertThat(c.id()).isEqualTo("bt-web");
        assertThat(c.name()).isEqualTo("bt-web");
    }

    @Test
    void nspawnWithoutMachineNameIsNamedAfterItsDirectory() throws IOException {
        process(100, 1, "systemd-nspawn", 0, HOST_NS, List.of(100), "systemd-nspawn", "--directory=/srv/trees/db", "sh");
        process(101, 100, "sh", 0, CONTAINER_NS, List.of(101, 1), "sh");
        assertThat(runtimes.identify(101, CONTAINER_NS, "/").orElseThrow().name()).isEqualTo("db");
    }

    @Test
    void bubblewrapsPayloadUnderItsReaperIsNamedByTheOuterBwrapsHostname() throws IOException {
        String[] argv = {"bwrap", "--bind", "/r", "/", "--unshare-all", "--hostname", "sandbox-1", "/bin/sleep", "16"};
        process(17862, 17860, "bwrap", 0, HOST_NS, List.of(17862), argv);
        process(17867, 17862, "bwrap", 0, CONTAINER_NS, List.of(17867, 1), argv);
        process(17873, 17867, "sleep", 0, CONTAINER_NS, List.of(17873, 2), "/bin/sleep", "16");
        ContainerInfo c = runtimes.identify(17873, CONTAINER_NS, "/").orElseThrow();
        assertThat(c.runtime()).isEqualTo("bwrap");
        assertThat(c.id()).isEqualTo("bwrap-" + CONTAINER_NS);
        assertThat(c.name()).isEqualTo("sandbox-1");
        assertThat(runtimes.scaffolding(17873, CONTAINER_NS)).contains(17862);
    }

    @Test
    void rootlessPodmanIsNamedByConmonAndItsImageReadFromTheUsersStore() throws IOException {
        String id = "73d537d5104c2c9ca85b5deace794a61cf4d38a7e667901fa7674c12c08b9b24";
        Path store = Files.createDirectories(tmp.resolve("home/u/.local/share/containers/storage/vfs-containers"));
        Files.writeString(store.resolve("containers.json"), "[{\"id\":\"" + id + "\",\"names\":[\"bt-rt-rl1\"],"
                + "\"metadata\":\"{\\\"image-name\\\":\\\"localhost/boxtrace-test/busybox:latest\\\"}\"}]");
        process(11493, 1, "conmon", 1001, HOST_NS, List.of(11493), "/usr/bin/conmon", "--api-version", "1", "-c", id,
                "-u", id, "-r", "/usr/bin/crun", "-b", store.resolve(id).resolve("userdata").toString(), "-n", "bt-rt-rl1");
        process(11497, 11493, "sleep", 1001, CONTAINER_NS, List.of(11497, 1), "sleep", "301");
        Files.writeString(proc.resolve("11497").resolve("uid_map"), "         0       1001          1\n"
                + "         1     100000      65536\n");
        ContainerInfo c = runtimes.identify(11497, CONTAINER_NS, "/process_api/3c083af1").orElseThrow();
        assertThat(c.runtime()).isEqualTo("podman");
        assertThat(c.id()).isEqualTo(id);
        assertThat(c.name()).isEqualTo("bt-rt-rl1");
        assertThat(c.image()).isEqualTo("localhost/boxtrace-test/busybox:latest");
        assertThat(c.labels()).containsEntry("podman.rootless.uid", "1001");
        UidMap map = UidMap.parse(c.labels().get(UidMap.LABEL)).orElseThrow();
        assertThat(map.inside(1001)).isZero();
        assertThat(map.inside(100000)).isEqualTo(1);
        assertThat(map.inside(0)).as("host root is unmapped inside").isEqualTo(-1);
    }

    @Test
    void aProcessNamedLikeScaffoldingInsideAContainerNamesNothing() throws IOException {
        // A "conmon" that is itself in a container (two NSpid levels) claiming someone else's id.
        process(500, 1, "conmon", 0, 4026532999L, List.of(500, 7), "conmon", "-c", "victim", "-n", "victim");
        process(501, 500, "sleep", 0, CONTAINER_NS, List.of(501, 7, 1), "sleep", "1");
        assertThat(runtimes.identify(501, CONTAINER_NS, "/")).isEmpty();
    }

    @Test
    void runcAndCrunUsedDirectlyAreKnownByTheirStateDirectory() throws IOException {
        Files.createDirectories(run.resolve("crun").resolve("bt-rt-crun1"));
        process(4478, 1, "sleep", 0, CONTAINER_NS, List.of(4478, 1), "sleep", "3600");
        ContainerInfo c = runtimes.identify(4478, CONTAINER_NS, "/bt-rt-crun1").orElseThrow();
        assertThat(c.runtime()).isEqualTo("crun");
        assertThat(c.id()).isEqualTo("bt-rt-crun1");
        assertThat(runtimes.identify(4478, CONTAINER_NS, "/something-else")).isEmpty();
    }

    @Test
    void aContainerGoneFromProcIsNamedFromItsParentsRecord() {
        ContainerInfo c = runtimes.identify(777, CONTAINER_NS, "/", "bwrap",
                List.of("bwrap", "--unshare-pid", "--hostname", "quick", "/bin/true")).orElseThrow();
        assertThat(c.runtime()).isEqualTo("bwrap");
        assertThat(c.name()).isEqualTo("quick");
        assertThat(runtimes.identify(777, CONTAINER_NS, "/", "bash", List.of("bash"))).isEmpty();
    }

    @Test
    void apptainerIsKnownByItsStartersProcessTitle() throws IOException {
        process(300, 299, "starter-suid", 1000, HOST_NS, List.of(300),
                "Apptainer runtime parent: /home/alice/images/lolcow.sif");
        process(301, 300, "sh", 1000, CONTAINER_NS, List.of(301, 1), "/bin/sh");
        ContainerInfo c = runtimes.identify(301, CONTAINER_NS, "/").orElseThrow();
        assertThat(c.runtime()).isEqualTo("apptainer");
        assertThat(c.name()).isEqualTo("lolcow.sif");
        assertThat(c.image()).isEqualTo("/home/alice/images/lolcow.sif");
        assertThat(c.id()).isEqualTo("apptainer-" + CONTAINER_NS);
    }

    @Test
    void optionsInEveryFormTheRuntimesAccept() {
        List<String> argv = List.of("x", "-Mone", "--directory=/a/b", "--hostname", "h");
        assertThat(PidNsRuntimes.option(argv, "-M", "--machine")).contains("one");
        assertThat(PidNsRuntimes.option(argv, "-D", "--directory")).contains("/a/b");
        assertThat(PidNsRuntimes.option(argv, null, "--hostname")).contains("h");
        assertThat(PidNsRuntimes.option(List.of("x", "--hostname"), null, "--hostname")).isEmpty();
    }
}
