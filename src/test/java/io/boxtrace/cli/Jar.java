package io.boxtrace.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The packaged jar started as a child process that runs until stopped, with stdout and stderr in files. */
record Jar(Process process, Path out, Path err) {

    static Jar start(Path dir, Map<String, String> env, boolean mergeOutput, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        if (mergeOutput) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(err.toFile());
        }
        return new Jar(pb.start(), out, err);
    }

    /** Waits (at most 60 s) until the file's text satisfies the test; fails if it never does or boxtrace ended. */
    String awaitText(Path file, Predicate<String> ready) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(file);
            if (ready.test(text)) {
                return text;
            }
            if (!process.isAlive()) {
                throw new AssertionError("boxtrace ended with " + process.exitValue() + ": " + text + Files.readString(err));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not seen within 60 s: " + Files.readString(file));
    }

    /** SIGTERM, as a service manager stops it; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("boxtrace did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }
}
