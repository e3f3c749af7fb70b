package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recordings boxtrace did not write: huge lines, deep nesting, endless input, corruption mid-way, a
 * FIFO with no writer, a moment outside the recording, and numeric flags out of range. Each is one
 * line naming the problem with the right exit code; never a stack trace, never exit 4, never Jackson's words.
 */
class HostileRecordingTest {

    private static final Path RECORDING = Path.of("src/test/resources/recordings/real-command.jsonl");

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private static Run boxtrace(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private static void oneLine(Run r, int exit, String contains) {
        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertThat(r.err().strip()).contains(contains).doesNotContain("\n", "Exception", "StreamReadConstraints",
                "\tat ", "internal error");
    }

    @Test
    void aHugeLineIsRefusedNamingTheLineWithoutReadingItAll() throws Exception {
        Path f = tmp.resolve("huge.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(RECORDING));
        lines.add(3, "{\"type\":\"exec\",\"x\":\"" + "a".repeat(6 * 1024 * 1024) + "\"}");
        Files.write(f, lines);
        oneLine(boxtrace("report", f.toString(), "-o", tmp.resolve("o.json").toString()), 1, "huge.jsonl:4: line longer than 4 MiB");
        oneLine(boxtrace("tree", "--from", f.toString()), 1, "huge.jsonl:4: line longer than 4 MiB");
        oneLine(boxtrace("report", "/dev/zero", "-o", tmp.resolve("z.json").toString()), 1,
                "/dev/zero:1: line longer than 4 MiB, not a boxtrace recording");
    }

    @Test
    void deepNestingAndWrongShapesAreBadInputNotInternalErrors() throws Exception {
        Path f = tmp.resolve("deep.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(RECORDING));
        lines.add(3, "[".repeat(5000));
        Files.write(f, lines);
        oneLine(boxtrace("report", f.toString(), "-o", tmp.resolve("o.json").toString()), 1, "deep.jsonl:4: JSON beyond");
        Path shape = tmp.resolve("shape.jsonl");
        lines.set(3, "{\"type\":\"exec\",\"pid\":{\"a\":[1]},\"args\":7,\"rec\":\"x\",\"mono_ns\":\"soon\"}");
        Files.write(shape, lines);
        Run r = boxtrace("report", shape.toString(), "-o", tmp.resolve("s.json").toString());
        assertThat(r.exit()).as(r.err()).isIn(0, 1);
        assertThat(r.err()).doesNotContain("internal error", "Exception");
    }

    @Test
    void treeFromACorruptRecordingIsMarkedPartialAndFails() throws Exception {
        Path f = tmp.resolve("corrupt.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(RECORDING));
        lines.set(lines.size() / 2, "{\"type\":\"exec\",garbage");
        Files.write(f, lines);
        Run r = boxtrace("tree", "--from", f.toString(), "--all");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).startsWith("(partial: the recording is corrupt");
        assertThat(r.err().strip()).contains("corrupt.jsonl:" + (lines.size() / 2 + 1) + ": not JSON")
                .contains("partial").doesNotContain("\n");
    }

    @Test
    void aMomentOutsideTheRecordingIsAUsageErrorNamingItsSpan() {
        oneLine(boxtrace("tree", "--from", RECORDING.toString(), "--at", "99999s"), 2, "outside the recording, which spans");
        String start = boxtrace("tree", "--from", RECORDING.toString(), "--at", "99999s").err().replaceAll(".*spans (\\S+) to.*\\s*", "$1");
        oneLine(boxtrace("tree", "--from", RECORDING.toString(), "--at", "2001-01-01T00:00:00Z"), 2, "spans " + start);
        assertThat(boxtrace("tree", "--from", RECORDING.toString(), "--at", "0.4s").exit()).isZero();
    }

    @Test
    void aFifoWithNoWriterSaysItIsWaiting() throws Exception {
        Path fifo = tmp.resolve("pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        StringWriter err = new StringWriter();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> Main.execute(new String[] {"report", fifo.toString(),
                "-o", tmp.resolve("f.json").toString()}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)));
        long deadline = System.currentTimeMillis() + 5_000;
        while (!err.toString().contains("waiting") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(err.toString()).contains("is a named pipe: waiting for a writer");
        Files.write(fifo, Files.readAllBytes(RECORDING)); // the writer comes: the report goes through
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(reader.isAlive()).isFalse();
        assertThat(tmp.resolve("f.json")).isNotEmptyFile();
    }

    @Test
    void numericFlagsOutsideTheirRangeAreUsageErrorsNamingTheRange() {
        for (String v : List.of("0", "-1", "99999999")) {
            oneLine(boxtrace("trace", "--max-args", v, "--", "true"), 2, "--max-args must be between 1 and 16383");
        }
        for (String v : List.of("0", "-3", "16384", "99999")) {
            oneLine(boxtrace("trace", "--max-arg-bytes", v, "--", "true"), 2, "--max-arg-bytes must be between 1 and 16383");
        }
        oneLine(boxtrace("tree", "--", "-5"), 2, "PID must be a positive process id");
    }

    @Test
    void everyOtherNumericFlagIsCheckedToo() {
        // each of these was accepted (a pid of -1 searched for, an infinite percentage) or ended in exit 4 (a port)
        for (String port : List.of(":-1", ":65536", "127.0.0.1:99999")) {
            oneLine(boxtrace("agent", "--metrics", port), 2, "--metrics port must be between 0 and 65535");
        }
        for (String pid : List.of("0", "-1")) {
            oneLine(boxtrace("run", "--from", RECORDING.toString(), "--client", pid), 2, "--client must be at least 1, not " + pid);
            oneLine(boxtrace("build", "--from", RECORDING.toString(), "--client", pid), 2, "--client must be at least 1");
        }
        for (String pct : List.of("1e999", "Infinity", "NaN", "-1")) {
            oneLine(boxtrace("build", "diff", "--fail-if-slower", pct, RECORDING.toString(), RECORDING.toString()), 2,
                    "--fail-if-slower must be a number of at least 0");
        }
        oneLine(boxtrace("agent", "--exec-series", "0"), 2, "--exec-series must be at least 1, not 0");
        oneLine(boxtrace("agent", "--keep", "-1"), 2, "--keep must be at least 0, not -1");
    }

    /** The sample recording with one field of one line (a path such as rec/task/pid) replaced by json. */
    private Path withField(String name, int line, String path, String json) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(RECORDING));
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var top = mapper.readTree(lines.get(line - 1));
        var n = (com.fasterxml.jackson.databind.node.ObjectNode) top;
        String[] parts = path.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            n = (com.fasterxml.jackson.databind.node.ObjectNode) n.get(parts[i]);
        }
        n.set(parts[parts.length - 1], mapper.readTree(json));
        n = (com.fasterxml.jackson.databind.node.ObjectNode) top;
        lines.set(line - 1, mapper.writeValueAsString(n));
        Path f = tmp.resolve(name);
        Files.write(f, lines);
        return f;
    }

    @Test
    void numbersOfTheWrongTypeOrRangeAreRefusedNotReplayedAsSomethingElse() throws Exception {
        // Jackson's asInt() made "x" a pid of 0 and 2^40 a pid of 0 (its low bits): another process, silently
        oneLine(boxtrace("report", withField("text.jsonl", 4, "rec/task/pid", "\"x\"").toString(), "-o", tmp.resolve("o.json").toString()), 1,
                "text.jsonl:4: cannot rebuild the event: pid is not a whole number");
        oneLine(boxtrace("report", withField("big.jsonl", 4, "rec/task/pid", "1099511627776").toString(), "-o",
                tmp.resolve("o.json").toString()), 1, "big.jsonl:4: cannot rebuild the event: pid is not a whole number");
        oneLine(boxtrace("report", withField("neg.jsonl", 4, "mono_ns", "-5").toString(), "-o",
                tmp.resolve("o.json").toString()), 1, "neg.jsonl:4: cannot rebuild the event: mono_ns is negative");
        oneLine(boxtrace("report", withField("clock.jsonl", 1, "clock",
                "{\"wall_minus_mono_ns\":\"abc\"}").toString(), "-o", tmp.resolve("o.json").toString()), 1, "clock.jsonl:1: a broken recording header (wall_minus_mono_ns");
        int last = Files.readAllLines(RECORDING).size();
        oneLine(boxtrace("report", withField("sum.jsonl", last, "lost", "\"many\"").toString(), "-o",
                tmp.resolve("o.json").toString()), 1,
                "a broken summary line (lost is not a whole number");
    }

    @Test
    void buildProfilesAndTheAgentConfigAreReadWithTheSameCapsAndWords() throws Exception {
        // /dev/zero has size 0: only a cap on what is read stops it; Jackson's own limits are said in boxtrace's words
        oneLine(boxtrace("build", "diff", "/dev/zero", "/dev/zero"), 1, "/dev/zero: larger than 32 MiB");
        oneLine(boxtrace("agent", "--config", "/dev/zero"), 2, "/dev/zero: larger than 1 MiB");
        Path deep = Files.writeString(tmp.resolve("deep.json"), "[".repeat(5_000) + "]".repeat(5_000));
        oneLine(boxtrace("build", "diff", deep.toString(), deep.toString()), 1, "deep.json: not JSON (beyond boxtrace's limits");
        Path deepYaml = Files.writeString(tmp.resolve("deep.yaml"), "a: " + "[".repeat(5_000) + "]".repeat(5_000) + "\n");
        oneLine(boxtrace("agent", "--config", deepYaml.toString()), 2, "deep.yaml: beyond boxtrace's limits");
        // a named pipe (a config from <(...)) is waited for, and said so
        Path fifo = tmp.resolve("config-pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        StringWriter err = new StringWriter();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> Main.execute(new String[] {"build", "diff",
                fifo.toString(), fifo.toString()}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)));
        long deadline = System.currentTimeMillis() + 5_000;
        while (!err.toString().contains("waiting") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(err.toString()).contains("config-pipe is a named pipe: waiting for a writer");
        Files.writeString(fifo, "{}"); // a writer comes: the read ends, and a one-line error follows
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(reader.isAlive()).isFalse();
        assertThat(err.toString()).contains("not a build profile");
    }
}
