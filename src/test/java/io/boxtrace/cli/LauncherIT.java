package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./boxtrace} launcher script as a user runs it (after {@code mvn package}, so the jar is
 * fresh): it finds the JDK without JAVA_HOME, says nothing on its fast path, resolves its own directory
 * through a symbolic link, starts the JVM from the AOT cache mapped where it was built for, and
 * passes boxtrace's exit codes and arguments through.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("boxtrace").toAbsolutePath();

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    /** Runs the launcher from the root directory with a plain PATH and no JAVA_HOME. */
    static Result run(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("bt-launch-out", ".txt");
        Path err = Files.createTempFile("bt-launch-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @BeforeAll
    static void firstRunPreparesTheCache() throws Exception {
        // The first run after a build may build the AOT cache (a training run) and write the package stamp.
        assertThat(run(LAUNCHER, Map.of(), "--version").exit()).isZero();
    }

    @Test
    void theFastPathPrintsOnlyBoxtracesOwnOutput() throws Exception {
        Result r = run(LAUNCHER, Map.of(), "--version");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("boxtrace ").contains("Java 25");
        assertThat(r.err()).isEmpty();
        Path stamp = Path.of("target/.packages-present");
        assertThat(stamp).exists();
        assertThat(Files.getLastModifiedTime(stamp)).isGreaterThan(Files.getLastModifiedTime(Path.of("/var/lib/dpkg/status")));
    }

    @Test
    void aSymbolicLinkToTheLauncherFindsTheJarBesideTheScript() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("bt"), LAUNCHER);

        Result r = run(link, Map.of(), "--version");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("boxtrace ");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void theJvmStartsFromTheAotCacheMappedAtItsOwnAddress() throws Exception {
        Result r = run(LAUNCHER, Map.of("BOXTRACE_JAVA_OPTS", "-Xlog:aot=info -Xlog:class+load=info"), "--version");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("ArchiveRelocationMode: 0").doesNotContain("alternative address");
        long fromCache = r.out().lines().filter(l -> l.contains("source: shared objects file")).count();
        long all = r.out().lines().filter(l -> l.contains("[class,load]")).count();
        assertThat(fromCache).as("classes from the AOT cache, of %d", all).isGreaterThan(all * 9 / 10);
    }

    @Test
    void exitCodesAndArgumentsPassThrough() throws Exception {
        Result usage = run(LAUNCHER, Map.of(), "tree", "--no-such-option");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err().lines().toList()).hasSize(1).allMatch(l -> l.startsWith("boxtrace tree: "));

        Result tree = run(LAUNCHER, Map.of(), "tree", "--json", "--all");
        assertThat(tree.exit()).isZero();
        assertThat(tree.out()).contains("\"pid\":1,");
    }
}
