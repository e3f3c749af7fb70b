package io.boxtrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent scraped by a real Prometheus server (Debian's {@code prometheus}, on a loopback port
 * with a temporary config), values read back through Prometheus's HTTP query API after starting
 * and stopping real Docker containers.
 */
class AgentPrometheusIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "boxtrace-test/busybox:latest";

    @TempDir
    Path tmp;

    @Test
    void prometheusScrapesExecsStartupsContainersAndProbes() throws Exception {
        int agentPort = AgentProcess.freePort();
        int promPort = AgentProcess.freePort();
        String name = "bt-agent-prom-" + ProcessHandle.current().pid();
        Path cfg = tmp.resolve("prometheus.yml");
        Files.writeString(cfg, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: boxtrace
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(agentPort));
        Process prom = new ProcessBuilder("prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + promPort).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        try (AgentProcess agent = AgentProcess.start("--metrics", "127.0.0.1:" + agentPort)) {
            agent.awaitTracing();
            String base = "http://127.0.0.1:" + agentPort;
            assertThat(AgentProcess.get(base + "/healthz").statusCode()).isEqualTo(200);
            assertThat(AgentProcess.get(base + "/readyz").statusCode()).isEqualTo(200);
            assertThat(AgentProcess.get(base + "/nothing").statusCode()).isEqualTo(404);

            // sh, three sleeps, and the last one exec'd in place (busybox runs ls in-process, so sleep):
            // five execs, exactly. It lives 3 s: the agent reads a short-lived container's cgroup while it
            // exists, and on a loaded host its pipeline may be seconds behind.
            AgentProcess.run("docker", "run", "--rm", "--name", name + "-a", IMAGE, "sh", "-c",
                    "sleep 0; sleep 0; sleep 0; exec sleep 3");
            AgentProcess.run("docker", "run", "-d", "--name", name + "-b", IMAGE, "sleep", "60");
            try {
                String q = "http://127.0.0.1:" + promPort;
                assertThat(await(q, "boxtrace_execs_total{container=\"" + name + "-a\",image=\"" + IMAGE
                        + "\",runtime=\"docker\"}", v -> v >= 5)).isEqualTo(5.0);
                assertThat(await(q, "sum(boxtrace_container_startup_seconds_count{runtime=\"docker\",phase=\"total\"})",
                        v -> v >= 2)).as("ours, and any other engineer's").isGreaterThanOrEqualTo(2.0);
                double total = await(q, "sum(boxtrace_container_startup_seconds_sum{runtime=\"docker\",phase=\"total\"})",
                        v -> v > 0);
                assertThat(total).as("docker start-ups, seconds").isGreaterThan(0.01);
                // while -b runs the gauge counts it; it is read once the agent has seen -b's exec
                await(q, "boxtrace_execs_total{container=\"" + name + "-b\"}", v -> v >= 1);
                Thread.sleep(2500); // one more gauge refresh and scrape
                double before = await(q, "boxtrace_containers{runtime=\"docker\"}", v -> v >= 1);
                AgentProcess.run("docker", "rm", "-f", name + "-b");
                // (on a shared host another engineer's container may start meanwhile; CI runs alone)
                assertThat(await(q, "boxtrace_containers{runtime=\"docker\"}", v -> v < before)).isEqualTo(before - 1);
                assertThat(await(q, "boxtrace_events_total{type=\"container_stop\"}", v -> v >= 2)).isGreaterThanOrEqualTo(2);
                assertThat(await(q, "boxtrace_processes", v -> v > 10)).isGreaterThan(10);
                assertThat(await(q, "boxtrace_heals_total", v -> v >= 0)).isGreaterThanOrEqualTo(0);
                assertThat(await(q, "up{job=\"boxtrace\"}", v -> v == 1)).isEqualTo(1.0);

                // a classic docker build: its duration, its step and the command in it, by builder and program
                Path ctx = Files.createDirectories(tmp.resolve("ctx"));
                Files.writeString(ctx.resolve("Dockerfile"), "FROM " + IMAGE + "\nRUN sleep 0.3\n");
                try {
                    AgentProcess.run("env", "DOCKER_BUILDKIT=0", "docker", "build", "--no-cache", "-q", "-t", name + ":build",
                            ctx.toString());
                } finally {
                    AgentProcess.runQuietly("docker", "rmi", "-f", name + ":build");
                }
                assertThat(await(q, "boxtrace_build_duration_seconds_count{builder=\"classic\"}", v -> v >= 1))
                        .isGreaterThanOrEqualTo(1);
                assertThat(await(q, "boxtrace_build_step_seconds_count{builder=\"classic\"}", v -> v >= 1))
                        .isGreaterThanOrEqualTo(1);
                assertThat(await(q, "boxtrace_build_command_seconds_sum{builder=\"classic\",program=\"sleep\"}",
                        v -> v >= 0.29)).as("sleep 0.3, seconds").isBetween(0.29, 5.0);
            } catch (AssertionError e) {
                String exposed = AgentProcess.get(base + "/metrics").body().lines()
                        .filter(l -> l.startsWith("boxtrace_execs") || l.startsWith("boxtrace_events")).toList().toString();
                throw new AssertionError(e.getMessage() + "; the agent exposes " + exposed, e);
            } finally {
                AgentProcess.runQuietly("docker", "rm", "-f", name + "-b");
            }
            assertThat(agent.stop()).as("exit after SIGTERM; stderr: %s", agent.stderr()).isZero();
            assertThat(agent.stderr()).contains("boxtrace agent: ").contains("events from");
        } finally {
            prom.destroy();
            prom.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Polls an instant query until its single value satisfies ok (Prometheus scrapes every second). */
    private static double await(String prom, String query, java.util.function.DoublePredicate ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        double last = Double.NaN;
        while (System.nanoTime() < deadline) {
            last = value(prom, query);
            if (!Double.isNaN(last) && ok.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("prometheus query " + query + " gave " + last);
    }

    private static double value(String prom, String query) throws Exception {
        var r = AgentProcess.get(prom + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            return Double.NaN;
        }
        JsonNode result = JSON.readTree(r.body()).path("data").path("result");
        if (result.size() != 1) {
            return Double.NaN;
        }
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }
}
