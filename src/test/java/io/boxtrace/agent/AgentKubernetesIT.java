package io.boxtrace.agent;

import static io.boxtrace.agent.OtlpReceiver.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container created through containerd as kubelet's CRI plugin creates one: in the {@code k8s.io}
 * namespace, with the CRI annotations and a kubepods cgroup parent (run with {@code ctr}, since no
 * kubelet runs here). Its pod identity, read from the OCI bundle on the node, appears in the JSON
 * lines, the metrics (opt-in labels) and the OTLP log records.
 */
class AgentKubernetesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "docker.io/boxtrace-test/busybox:latest";

    @TempDir
    Path tmp;

    @Test
    void podIdentityFromCriAnnotationsInEveryOutput() throws Exception {
        // the test image, in kubelet's containerd namespace
        AgentProcess.run("sh", "-c", "ctr -n k8s.io images ls -q | grep -qx " + IMAGE
                + " || docker save boxtrace-test/busybox:latest | ctr -n k8s.io images import -");
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        String podUid = UUID.randomUUID().toString();
        String pod = "bt-agent-web-" + ProcessHandle.current().pid();
        int otlp = AgentProcess.freePort();
        int metrics = AgentProcess.freePort();
        Path out = tmp.resolve("events.jsonl");
        try (OtlpReceiver receiver = new OtlpReceiver(otlp).start();
             AgentProcess agent = AgentProcess.start("--output", out.toString(), "--metrics", "127.0.0.1:" + metrics,
                     "--kubernetes-labels", "--otlp-endpoint", "http://127.0.0.1:" + otlp)) {
            agent.awaitTracing();
            try {
                AgentProcess.run("timeout", "60", "ctr", "-n", "k8s.io", "run", "--rm",
                        "--cgroup", "/kubepods/besteffort/pod" + podUid + "/" + id,
                        "--annotation", "io.kubernetes.cri.container-type=container",
                        "--annotation", "io.kubernetes.cri.sandbox-name=" + pod,
                        "--annotation", "io.kubernetes.cri.sandbox-namespace=shop",
                        "--annotation", "io.kubernetes.cri.container-name=nginx",
                        "--annotation", "io.kubernetes.cri.image-name=" + IMAGE,
                        IMAGE, id, "sh", "-c", "sleep 0; exec sleep 5");
            } finally {
                AgentProcess.runQuietly("ctr", "-n", "k8s.io", "containers", "rm", id);
            }
            // (the exposition sorts labels by name)
            String series = "boxtrace_execs_total{container=\"nginx\",image=\"" + IMAGE
                    + "\",namespace=\"shop\",pod=\"" + pod + "\",runtime=\"kubernetes\"}";
            String value = awaitMetric(metrics, series);
            // sh, sleep 0, sleep 5, and runc's own init when the kernel shows it exec'd in the container's cgroup
            assertThat(Double.parseDouble(value)).as("sh, sleep 0, sleep 5 (+ runc init)").isBetween(3.0, 4.0);
            LogRecord exec = awaitLog(receiver, l -> pod.equals(str(l.getAttributesList(), "k8s.pod.name"))
                    && "boxtrace.exec".equals(str(l.getAttributesList(), "event.name")));
            assertThat(str(exec.getAttributesList(), "k8s.namespace.name")).isEqualTo("shop");
            assertThat(str(exec.getAttributesList(), "k8s.pod.uid")).isEqualTo(podUid);
            assertThat(str(exec.getAttributesList(), "k8s.container.name")).isEqualTo("nginx");
            assertThat(str(exec.getAttributesList(), "container.id")).isEqualTo(id);
            assertThat(agent.stop()).as("stderr: %s", agent.stderr()).isZero();
        }
        List<JsonNode> execs = Files.readAllLines(out).stream().map(AgentKubernetesIT::parse)
                .filter(n -> n.path("type").asText().equals("exec") && n.path("container").path("id").asText().equals(id)
                        && List.of("sh", "sleep").contains(n.path("args").path(0).asText()))
                .toList();
        assertThat(execs).hasSize(3);
        JsonNode c = execs.getFirst().path("container");
        assertThat(c.path("name").asText()).isEqualTo("nginx");
        assertThat(c.path("image").asText()).isEqualTo(IMAGE);
        assertThat(c.path("runtime").asText()).isEqualTo("kubernetes");
        JsonNode labels = c.path("labels");
        assertThat(labels.path("io.kubernetes.pod.name").asText()).isEqualTo(pod);
        assertThat(labels.path("io.kubernetes.pod.namespace").asText()).isEqualTo("shop");
        assertThat(labels.path("io.kubernetes.pod.uid").asText()).isEqualTo(podUid);
        assertThat(labels.path("io.kubernetes.container.name").asText()).isEqualTo("nginx");
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static String awaitMetric(int port, String series) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = AgentProcess.get("http://127.0.0.1:" + port + "/metrics").body();
            for (String l : body.lines().toList()) {
                if (l.startsWith(series + " ")) {
                    return l.substring(series.length() + 1);
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError(series + " not exposed; exec series: "
                + body.lines().filter(l -> l.startsWith("boxtrace_execs_total")).toList());
    }

    private static LogRecord awaitLog(OtlpReceiver r, java.util.function.Predicate<LogRecord> match) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            for (LogRecord l : r.logs()) {
                if (match.test(l)) {
                    return l;
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError("no matching log record among " + r.logs().size());
    }
}
