package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs that fail (a full device, a 64 KiB tmpfs that fills up) and outputs an attacker prepared (a
 * symlink planted by another user in a sticky world-writable directory): boxtrace says so in one
 * line and exits 1, leaves no partial file behind, and never writes through the planted link.
 */
class HostileOutputIT {

    private static final String RECORDING = Path.of("src/test/resources/recordings/real-command.jsonl").toAbsolutePath()
            .toString();

    @TempDir
    Path tmp;
    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).start().waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    private Path smallDisk(String size) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("small"));
        sh("mount", "-t", "tmpfs", "-o", "size=" + size, "bt-hostile", dir.toString());
        mounted = dir;
        return dir;
    }

    private static void failsInOneLine(CliIT.Result r, String contains) {
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(contains).doesNotContain("Exception", "\tat ");
    }

    @Test
    void writesToAFullDeviceFailWithOneLine() throws Exception {
        failsInOneLine(CliIT.boxtrace("trace", "-o", "/dev/full", "--", "true"), "cannot write /dev/full: write failed");
        failsInOneLine(CliIT.boxtrace("trace", "--json", "-o", "/dev/full", "--", "true"), "No space left on device");
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(), "tree", "--json");
        Process tree = new ProcessBuilder(cmd).redirectOutput(new File("/dev/full")).redirectError(tmp.resolve("err").toFile())
                .start();
        assertThat(tree.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tree.exitValue()).isEqualTo(1);
        assertThat(Files.readString(tmp.resolve("err"))).contains("boxtrace tree: could not write standard output");
        assertThat(Path.of("/dev/full.part")).doesNotExist();
        assertThat(Files.isRegularFile(Path.of("/dev/full"))).as("still the device").isFalse();
    }

    @Test
    void aTraceThatFillsTheDiskSaysSoAndIsNotReportedAsComplete() throws Exception {
        Path out = smallDisk("64k").resolve("trace.txt");
        CliIT.Result r = CliIT.boxtrace("trace", "-o", out.toString(), "--", "sh", "-c",
                "i=0; while [ $i -lt 600 ]; do /bin/echo 0123456789012345678901234567890123456789 > /dev/null; i=$((i+1)); done");
        failsInOneLine(r, "cannot write " + out + ": ");
        // how much of the file was written, and that the events traced were more than it holds
        assertThat(r.err()).containsPattern("at least [0-9,]+ bytes were written, holding only the events before the failure,"
                + " of [0-9]+ traced; the rest is not in it").doesNotContain("none lost");
    }

    @Test
    void failedReportsLeaveNoPartialFilesBehind() throws Exception {
        Path disk = smallDisk("4k"); // one page: smaller than any report of the sample recording
        Path big = Path.of(RECORDING);
        for (String name : List.of("r.json", "r.html", "r.ctf")) {
            CliIT.Result r = CliIT.boxtrace("report", big.toString(), "-o", disk.resolve(name).toString());
            assertThat(r.exit()).as(name + ": " + r.err()).isEqualTo(1);
            try (var left = Files.list(disk)) {
                assertThat(left.toList()).as(name).isEmpty();
            }
        }
        // build's and run's own outputs: a cut profile, page or trace is removed too (they were left behind)
        Path analyses = Path.of("src/test/resources/recordings/analyses").toAbsolutePath();
        Path filler = Files.writeString(disk.resolve("filler"), "x"); // takes the one page: a build profile is smaller than a page
        for (String flag : List.of("--json", "--html", "--trace")) {
            CliIT.Result r = CliIT.boxtrace("build", "--from", analyses.resolve("build-classic.jsonl.gz").toString(), flag,
                    disk.resolve("b.out").toString());
            failsInOneLine(r, "cannot write " + disk.resolve("b.out"));
            try (var left = Files.list(disk)) {
                assertThat(left.toList()).as("build " + flag).containsExactly(filler);
            }
        }
        for (String flag : List.of("--json", "--trace")) {
            CliIT.Result r = CliIT.boxtrace("run", "--from", analyses.resolve("podman-run.jsonl.gz").toString(), flag,
                    disk.resolve("r.out").toString());
            failsInOneLine(r, "cannot write " + disk.resolve("r.out"));
            try (var left = Files.list(disk)) {
                assertThat(left.toList()).as("run " + flag).containsExactly(filler);
            }
        }
        Path file = Files.writeString(tmp.resolve("existing.ctf"), "x");
        failsInOneLine(CliIT.boxtrace("report", RECORDING, "-o", file.toString()), "exists and is not a directory");
    }

    @Test
    void aSymlinkPlantedByAnotherUserInAStickyDirectoryIsNotFollowed() throws Exception {
        // under /tmp itself: the test's own temporary directory is private, another user could not reach it
        Path sticky = Files.createTempDirectory(Path.of("/tmp"), "bt-hostile-");
        sh("chmod", "1777", sticky.toString());
        try {
            plantedLinks(sticky);
        } finally {
            sh("rm", "-rf", sticky.toString());
        }
    }

    private void plantedLinks(Path sticky) throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim"), "precious");
        Path link = sticky.resolve("out.txt");
        sh("runuser", "-u", "nobody", "--", "ln", "-s", victim.toString(), link.toString());
        failsInOneLine(CliIT.boxtrace("trace", "-o", link.toString(), "--", "true"), "symbolic link in the world-writable sticky directory");
        // report writes NAME.part and renames it: a link planted as the .part is refused, one planted as NAME is replaced
        sh("runuser", "-u", "nobody", "--", "ln", "-s", victim.toString(), sticky.resolve("out.json.part").toString());
        failsInOneLine(CliIT.boxtrace("report", RECORDING, "-o", sticky.resolve("out.json").toString()), "symbolic link");
        sh("runuser", "-u", "nobody", "--", "ln", "-s", victim.toString(), sticky.resolve("out.html").toString());
        assertThat(CliIT.boxtrace("report", RECORDING, "-o", sticky.resolve("out.html").toString()).exit()).isZero();
        assertThat(Files.isSymbolicLink(sticky.resolve("out.html"))).isFalse();
        Path ctfLink = sticky.resolve("t.ctf");
        Path victimDir = Files.createDirectory(sticky.resolve("victim-dir"));
        sh("runuser", "-u", "nobody", "--", "ln", "-s", victimDir.toString(), ctfLink.toString());
        Path recLink = sticky.resolve("rec.jsonl");
        sh("runuser", "-u", "nobody", "--", "ln", "-s", victim.toString(), recLink.toString());
        failsInOneLine(CliIT.boxtrace("record", "-o", recLink.toString(), "--duration", "1s"), "symbolic link");
        failsInOneLine(CliIT.boxtrace("report", RECORDING, "-o", ctfLink.toString()), "symbolic link");
        assertThat(Files.readString(victim)).isEqualTo("precious");
        try (var inVictimDir = Files.list(victimDir)) {
            assertThat(inVictimDir.toList()).isEmpty();
        }
    }

    @Test
    void whatAnotherUserPlantedOnThePathOrInsideACtfDirectoryIsNotWrittenThrough() throws Exception {
        Path sticky = Files.createTempDirectory(Path.of("/tmp"), "bt-hostile-");
        sh("chmod", "1777", sticky.toString());
        try {
            Path victim = Files.writeString(tmp.resolve("victim"), "precious");
            Path victimDir = Files.createDirectory(tmp.resolve("victim-dir"));
            // a directory link: O_NOFOLLOW on the last name alone would still write into victim-dir
            sh("runuser", "-u", "nobody", "--", "ln", "-s", victimDir.toString(), sticky.resolve("d").toString());
            failsInOneLine(CliIT.boxtrace("report", RECORDING, "-o", sticky.resolve("d/out.json").toString()),
                    "symbolic link of another user's");
            failsInOneLine(CliIT.boxtrace("trace", "-o", sticky.resolve("d/t.txt").toString(), "--", "true"), "symbolic link");
            // a .ctf directory made by nobody, holding links named like the files a CTF trace has
            Path ctf = sticky.resolve("y.ctf");
            sh("runuser", "-u", "nobody", "--", "mkdir", ctf.toString());
            for (String f : List.of("metadata", "channel0_0")) {
                sh("runuser", "-u", "nobody", "--", "ln", "-s", victim.toString(), ctf.resolve(f).toString());
            }
            failsInOneLine(CliIT.boxtrace("report", RECORDING, "-o", ctf.toString()), "belongs to another user");
            // a plain file of nobody's: root writing it would hand nobody the output (and its later contents)
            sh("runuser", "-u", "nobody", "--", "touch", sticky.resolve("theirs.jsonl").toString());
            failsInOneLine(CliIT.boxtrace("trace", "--json", "-o", sticky.resolve("theirs.jsonl").toString(), "--", "true"),
                    "belongs to another user");
            assertThat(Files.readString(victim)).isEqualTo("precious");
            try (var inVictimDir = Files.list(victimDir)) {
                assertThat(inVictimDir.toList()).isEmpty();
            }
            // a directory of root's own inside the sticky one is the operator's: written as usual
            Path own = Files.createDirectory(sticky.resolve("mine"));
            assertThat(CliIT.boxtrace("report", RECORDING, "-o", own.resolve("x.ctf").toString()).exit()).isZero();
            assertThat(own.resolve("x.ctf/metadata")).isRegularFile();
        } finally {
            sh("rm", "-rf", sticky.toString());
        }
    }
}
