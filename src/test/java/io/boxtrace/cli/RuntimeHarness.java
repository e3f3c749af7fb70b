package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the runtime integration tests share: running host commands that must succeed, clean-up
 * commands run at the end, and boxtrace's {@code tree --json}, {@code trace --json} (in the
 * background while a runtime works) and {@code run --json} as a user runs them.
 */
final class RuntimeHarness implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String IMAGE = "boxtrace-test/busybox:latest";
    static final String ROOTFS = "/var/lib/boxtrace-test/rootfs";
    private final List<List<String>> cleanup = new ArrayList<>();
    private final Path tmp;

    RuntimeHarness(Path tmp) {
        this.tmp = tmp;
    }

    /** Runs a command that must exit 0 within 60 s; its output, stripped. */
    static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    /** Starts a command in the background (its output to a file), ended at clean-up if still running. */
    Process background(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile(tmp, "bg", ".log").toFile()).start();
        cleanup.add(List.of("kill", Long.toString(p.pid())));
        return p;
    }

    void atEnd(String... cmd) {
        cleanup.add(List.of(cmd));
    }

    static JsonNode tree() throws Exception {
        CliIT.Result r = CliIT.boxtrace("tree", "--json", "--with-runtime");
        assertThat(r.exit()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    static JsonNode container(JsonNode tree, String name) {
        for (JsonNode c : tree.get("containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no container named " + name + " in " + tree);
    }

    static List<String> comms(JsonNode processes) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : processes) {
            out.add(p.get("comm").asText());
            out.addAll(comms(p.get("children")));
        }
        return out;
    }

    /** {@code boxtrace run --json FILE -- command}: the report. */
    JsonNode run(String... command) throws Exception {
        Path json = Files.createTempFile(tmp, "run", ".json");
        List<String> args = new ArrayList<>(List.of("run", "--json", json.toString(), "--"));
        args.addAll(List.of(command));
        CliIT.Result r = CliIT.boxtrace(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        return JSON.readTree(Files.readString(json));
    }

    /** {@code boxtrace trace --json} of the whole host while it is open. */
    Trace trace() throws Exception {
        Path events = Files.createTempFile(tmp, "trace", ".jsonl");
        Path log = Files.createTempFile(tmp, "trace", ".log");
        Process p = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-jar", Path.of("target/boxtrace.jar").toAbsolutePath().toString(),
                "trace", "--json", "-o", events.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        cleanup.add(List.of("kill", Long.toString(p.pid())));
        // Ready once the source is attached ("using the … source") and events flow: a loaded host takes seconds.
        ContainerIT.awaitReady(log);
        for (int i = 0; i < 300 && Files.size(events) == 0; i++) {
            Thread.sleep(100);
        }
        return new Trace(p, events);
    }

    record Trace(Process process, Path file) {
        /**
         * Stops the trace (SIGTERM: it drains and writes its summary) and returns its events, once
         * an exec in a container with marker has reached the file (the pipeline lags a loaded host by seconds) or 20 s passed.
         */
        List<JsonNode> stop(String marker) throws Exception {
            for (int i = 0; i < 200 && Files.readAllLines(file).stream().noneMatch(l -> l.contains(marker)
                    && l.contains("\"type\":\"exec\"") && l.contains("\"container\":{")); i++) {
                Thread.sleep(100); // until the exec inside the container is in (the client's own exec has the marker too)
            }
            Thread.sleep(300);
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            List<JsonNode> all = new ArrayList<>();
            for (String l : Files.readAllLines(file)) {
                all.add(JSON.readTree(l));
            }
            assertThat(all.getLast().get("type").asText()).isEqualTo("summary");
            return all;
        }
    }

    /** The first successful exec whose argv contains marker. */
    static JsonNode execWith(List<JsonNode> events, String marker) {
        return events.stream().filter(e -> e.get("type").asText().equals("exec") && !e.has("errno")
                && e.get("args").toString().contains(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no exec with " + marker));
    }

    @Override
    public void close() throws Exception {
        for (List<String> c : cleanup.reversed()) {
            new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The first successful exec of argv0 whose argv holds marker, in a trace's JSON events. */
    static com.fasterxml.jackson.databind.JsonNode execOf(java.util.List<com.fasterxml.jackson.databind.JsonNode> events,
                                                          String argv0, String marker) {
        return events.stream().filter(e -> e.get("type").asText().equals("exec") && !e.has("errno")
                && e.get("args").path(0).asText().equals(argv0) && e.get("args").toString().contains(marker))
                .findFirst().orElseThrow(() -> new AssertionError("no exec of " + argv0 + " with " + marker));
    }
}
