package io.boxtrace.agent;

import static io.boxtrace.agent.OtlpReceiver.num;
import static io.boxtrace.agent.OtlpReceiver.str;
import static io.boxtrace.agent.OtlpReceiver.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's OTLP export read back by a receiver that decodes it with the official protobuf
 * classes: process events as log records with semantic-convention attributes and kernel times,
 * a container start and a docker build as traces with parent links, and a collector that is down
 * for a while (tracing goes on, drops are counted, delivery resumes).
 */
class AgentOtlpIT {

    private static final String IMAGE = "boxtrace-test/busybox:latest";
    /** Wall time from the kernel's monotonic clock vs. the test's System.currentTimeMillis(). */
    private static final long SLACK_NS = 100_000_000L;

    @TempDir
    Path tmp;

    @Test
    void processEventsAsLogsAndAContainerStartAndABuildAsTraces() throws Exception {
        int port = AgentProcess.freePort();
        String name = "bt-agent-otlp-" + ProcessHandle.current().pid();
        try (OtlpReceiver receiver = new OtlpReceiver(port).start();
             AgentProcess agent = AgentProcess.start("--otlp-endpoint", "http://127.0.0.1:" + port)) {
            agent.awaitTracing();
            long before = nowNs();
            AgentProcess.run("docker", "run", "--rm", "--name", name, IMAGE, "sh", "-c", "sleep 0; exec sleep 2");
            long after = nowNs();

            LogRecord exec = await(receiver::logs, l -> "boxtrace.exec".equals(str(l.getAttributesList(), "event.name"))
                    && name.equals(str(l.getAttributesList(), "container.name"))
                    && "sh".equals(first(strings(l.getAttributesList(), "process.command_args"))));
            var a = exec.getAttributesList();
            assertThat(strings(a, "process.command_args")).containsExactly("sh", "-c", "sleep 0; exec sleep 2");
            assertThat(str(a, "container.image.name")).isEqualTo(IMAGE);
            assertThat(str(a, "container.runtime")).isEqualTo("docker");
            assertThat(str(a, "container.id")).matches("[0-9a-f]{64}");
            assertThat(num(a, "process.pid")).isPositive();
            assertThat(num(a, "process.parent_pid")).isPositive();
            assertThat(str(a, "process.executable.path")).isEqualTo("/bin/sh");
            assertThat(num(a, "boxtrace.nspid")).as("sh is the container's init").isEqualTo(1L);
            // the eBPF source reports no working directory at exec: none, rather than a host daemon's, inherited
            assertThat(str(a, "process.working_directory")).isIn(null, "/");
            assertThat(exec.getTimeUnixNano()).isBetween(before - SLACK_NS, after + SLACK_NS);
            assertThat(exec.getBody().getStringValue()).isEqualTo("exec sh -c sleep 0; exec sleep 2");
            long pid = num(a, "process.pid");
            LogRecord exit = await(receiver::logs, l -> "boxtrace.exit".equals(str(l.getAttributesList(), "event.name"))
                    && Long.valueOf(pid).equals(num(l.getAttributesList(), "process.pid")));
            assertThat(num(exit.getAttributesList(), "process.exit.code")).isZero();
            assertThat(str(exit.getAttributesList(), "container.name")).isEqualTo(name);
            assertThat(exit.getTimeUnixNano()).isGreaterThan(exec.getTimeUnixNano() + 1_900_000_000L);

            // a failed exec names the file it tried
            String missing = "/nonexistent/bt-agent-otlp-" + ProcessHandle.current().pid();
            AgentProcess.run("sh", "-c", missing + " 2>/dev/null; true");
            LogRecord failed = await(receiver::logs, l -> l.getBody().getStringValue().contains(missing)
                    && num(l.getAttributesList(), "boxtrace.errno") != null);
            assertThat(failed.getBody().getStringValue()).isEqualTo("exec " + missing + " failed: errno 2");
            assertThat(num(failed.getAttributesList(), "boxtrace.errno")).isEqualTo(2L);

            Span root = await(receiver::spans, s -> s.getName().equals("container start " + name));
            assertThat(root.getParentSpanId()).isEqualTo(ByteString.EMPTY);
            assertThat(str(root.getAttributesList(), "container.image.name")).isEqualTo(IMAGE);
            assertThat(root.getStartTimeUnixNano()).isBetween(before - SLACK_NS, exec.getTimeUnixNano());
            assertThat(root.getEndTimeUnixNano()).as("ends at the program's exec").isEqualTo(exec.getTimeUnixNano());
            Span create = await(receiver::spans, s -> s.getName().equals("runtime create")
                    && s.getTraceId().equals(root.getTraceId()));
            assertThat(create.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(create.getStartTimeUnixNano()).isEqualTo(root.getStartTimeUnixNano());
            assertThat(create.getEndTimeUnixNano()).isBetween(create.getStartTimeUnixNano(), root.getEndTimeUnixNano());

            Path ctx = Files.createDirectories(tmp.resolve("ctx"));
            Files.writeString(ctx.resolve("Dockerfile"), "FROM " + IMAGE + "\nRUN sleep 0.3 && sleep 0.2\n");
            String tag = name + ":build";
            long buildStart = nowNs();
            try {
                AgentProcess.run("env", "DOCKER_BUILDKIT=0", "docker", "build", "--no-cache", "-q", "-t", tag, ctx.toString());
                long buildEnd = nowNs();
                Span build = await(receiver::spans, s -> s.getName().startsWith("docker build --no-cache -q -t " + tag));
                assertThat(build.getParentSpanId()).isEqualTo(ByteString.EMPTY);
                assertThat(str(build.getAttributesList(), "boxtrace.build.builder")).as("its steps ran as docker containers")
                        .isEqualTo("classic");
                assertThat(build.getStartTimeUnixNano()).isBetween(buildStart - SLACK_NS, buildEnd);
                assertThat(build.getEndTimeUnixNano()).isBetween(build.getStartTimeUnixNano(), buildEnd + SLACK_NS);
                Span sleep = await(receiver::spans, s -> s.getName().equals("sleep 0.3")
                        && s.getTraceId().equals(build.getTraceId()));
                Map<ByteString, Span> byId = receiver.spans().stream().filter(s -> s.getTraceId().equals(build.getTraceId()))
                        .collect(Collectors.toMap(Span::getSpanId, s -> s, (x, y) -> x));
                // sleep 0.3 → the RUN's shell → its step → the build
                Span parent = byId.get(sleep.getParentSpanId());
                assertThat(parent).as("sleep's parent span").isNotNull();
                // A step span is named by its instruction when known (steps of an attached build are named from
                // the RUN line their container ran), else "step N".
                java.util.function.Predicate<Span> isStep = sp -> sp.getName().startsWith("step ") || sp.getName().startsWith("RUN ");
                Span step = isStep.test(parent) ? parent : byId.get(parent.getParentSpanId());
                assertThat(step).as("the step span above sleep's shell").isNotNull();
                assertThat(isStep.test(step)).as(step.getName()).isTrue();
                assertThat(step.getParentSpanId()).isEqualTo(build.getSpanId());
                assertThat(sleep.getEndTimeUnixNano() - sleep.getStartTimeUnixNano()).isBetween(290_000_000L, 2_000_000_000L);
                assertThat(sleep.getStartTimeUnixNano()).isBetween(step.getStartTimeUnixNano(), step.getEndTimeUnixNano());
                assertThat(num(sleep.getAttributesList(), "process.exit.code")).isZero();
            } finally {
                AgentProcess.runQuietly("docker", "rmi", "-f", tag);
            }
            assertThat(agent.stop()).as("stderr: %s", agent.stderr()).isZero();
            assertThat(agent.stderr()).containsPattern("OTLP: \\d+ log records delivered, 0 dropped");
        }
    }

    @Test
    void overGrpcTheSameLogRecordsAndStartUpTraceArrive() throws Exception {
        int port = AgentProcess.freePort();
        String name = "bt-agent-grpc-" + ProcessHandle.current().pid();
        try (OtlpGrpcReceiver receiver = new OtlpGrpcReceiver(port);
             AgentProcess agent = AgentProcess.start("--otlp-endpoint", "http://127.0.0.1:" + port,
                     "--otlp-protocol", "grpc")) {
            agent.awaitTracing();
            long before = nowNs();
            AgentProcess.run("docker", "run", "--rm", "--name", name, IMAGE, "sh", "-c", "exec sleep 0.5");
            LogRecord exec = await(receiver::logs, l -> "boxtrace.exec".equals(str(l.getAttributesList(), "event.name"))
                    && name.equals(str(l.getAttributesList(), "container.name"))
                    && "sh".equals(first(strings(l.getAttributesList(), "process.command_args"))));
            assertThat(strings(exec.getAttributesList(), "process.command_args")).containsExactly("sh", "-c", "exec sleep 0.5");
            assertThat(str(exec.getAttributesList(), "container.image.name")).isEqualTo(IMAGE);
            assertThat(exec.getTimeUnixNano()).isBetween(before - SLACK_NS, nowNs() + SLACK_NS);
            Span root = await(receiver::spans, sp -> sp.getName().equals("container start " + name));
            Span create = await(receiver::spans, sp -> sp.getName().equals("runtime create")
                    && sp.getTraceId().equals(root.getTraceId()));
            assertThat(create.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(agent.stop()).as("stderr: %s", agent.stderr()).isZero();
            assertThat(agent.stderr()).containsPattern("OTLP: [1-9]\\d* log records delivered, 0 dropped");
        }
    }

    @Test
    void aCollectorDownForAWhileBlocksNothingAndDropsAreCountedThenDeliveryResumes() throws Exception {
        int port = AgentProcess.freePort();
        int metrics = AgentProcess.freePort();
        Path out = tmp.resolve("events.jsonl");
        String tag = "BTOTLP" + ProcessHandle.current().pid();
        try (OtlpReceiver receiver = new OtlpReceiver(port);
             AgentProcess agent = AgentProcess.start("--otlp-endpoint", "http://127.0.0.1:" + port, "--otlp-queue", "1000",
                     "--metrics", "127.0.0.1:" + metrics, "--output", out.toString())) {
            agent.awaitTracing();
            // the collector is down: 1000 execs, far more than the queue holds
            long t0 = System.nanoTime();
            AgentProcess.run("sh", "-c", "i=0; while [ $i -lt 1000 ]; do /bin/true " + tag + "-down-$i; i=$((i+1)); done");
            double downSeconds = (System.nanoTime() - t0) / 1e9;
            assertThat(downSeconds).as("the storm is not slowed by the dead collector").isLessThan(60);
            String dropped = await(() -> List.of(metric(metrics, "boxtrace_otlp_dropped_total{signal=\"logs\"}")),
                    v -> Double.parseDouble(v) > 1000);
            assertThat(Double.parseDouble(dropped)).as("3000 storm records, 1000 queued").isGreaterThan(1000);
            // down long enough for a batch to fail all its retries (0.5 + 1 + 2 + 4 s of back-off), which
            // the SDK reports on stderr
            await(() -> {
                try {
                    return agent.stderr().lines().toList();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, l -> l.contains("Failed to export"));

            receiver.start();
            // the exporter's back-off ends within seconds; the backlog and the rest of the host (a busy shared
            // machine) compete for the queue, so exec again until one of ours arrives
            boolean resumed = false;
            for (int round = 0; round < 30 && !resumed; round++) {
                AgentProcess.run("/bin/true", tag + "-up-" + round);
                Thread.sleep(1000);
                resumed = receiver.logs().stream().anyMatch(l -> {
                    String a = last(strings(l.getAttributesList(), "process.command_args"));
                    return a != null && a.startsWith(tag + "-up-");
                });
            }
            assertThat(resumed).as("delivery resumed after the collector came back").isTrue();
            assertThat(agent.stop()).as("stderr: %s", agent.stderr()).isZero();
            assertThat(agent.stderr()).containsPattern("OTLP: \\d+ log records delivered, [1-9]\\d* dropped");
            // the exporter's failures while the collector was down: one line each, never a stack trace
            assertThat(agent.stderr().lines().toList()).allSatisfy(l -> assertThat(l).startsWith("boxtrace agent: "))
                    .anySatisfy(l -> assertThat(l).startsWith("boxtrace agent: OTLP: ").contains("export"));
        }
        // tracing itself lost nothing while the collector was down
        long storm = Files.readAllLines(out).stream().filter(l -> l.contains("\"" + tag + "-down-")).count();
        assertThat(storm).as("exec and exit lines of the storm in the file").isGreaterThanOrEqualTo(1000);
    }

    private static String metric(int port, String series) {
        try {
            return AgentProcess.get("http://127.0.0.1:" + port + "/metrics").body().lines()
                .filter(l -> l.startsWith(series + " ")).map(l -> l.substring(series.length() + 1)).findFirst().orElse("0");
        } catch (Exception e) {
            return "0";
        }
    }

    private static long nowNs() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static String first(List<String> l) {
        return l == null || l.isEmpty() ? null : l.getFirst();
    }

    private static String last(List<String> l) {
        return l == null || l.isEmpty() ? null : l.getLast();
    }

    private static <T> T await(Supplier<List<T>> items, Predicate<T> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            for (T t : items.get()) {
                if (match.test(t)) {
                    return t;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not received in 90 s; " + items.get().size() + " items");
    }
}
