package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.TracedEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Docker container recorded with --container and --duration, converted to a timeline. */
class ContainerRecordingIT {

    @TempDir
    Path tmp;

    @Test
    void recordsAContainerByNameIntoItsOwnTrack() throws Exception {
        String name = "bt-rec-" + UUID.randomUUID().toString().substring(0, 8);
        Path rec = tmp.resolve("c.jsonl.gz");
        Process p = RecordingIT.start(tmp.resolve("record.log"), "record", "-o", rec.toString(), "--duration", "12s",
                "--container", name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && (!Files.exists(rec) || Files.size(rec) < 100)) {
            Thread.sleep(100);
        }
        Thread.sleep(1000);
        Process docker = new ProcessBuilder("docker", "run", "--rm", "--name", name, "boxtrace-test/busybox:latest",
                "sh", "-c", "ls / >/dev/null; unshare -u hostname inner-" + name + "; sleep 0.3; exit 4")
                .redirectErrorStream(true).start();
        String out = new String(docker.getInputStream().readAllBytes());
        assertThat(docker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(docker.exitValue()).as(out).isEqualTo(4);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("record.log"))).isZero();

        List<TracedEvent> events = RecordingIT.read(rec);
        assertThat(events).isNotEmpty().allSatisfy(t -> {
            if (t.container() != null) {
                assertThat(t.container().name()).isEqualTo(name);
            }
        });
        assertThat(events).anySatisfy(t -> assertThat(t.event()).isInstanceOfSatisfying(ExecEvent.class,
                x -> assertThat(x.args()).contains("inner-" + name)));

        Path json = tmp.resolve("c.json");
        RecordingIT.Result r = RecordingIT.report(rec.toString(), "-o", json.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        int track = -1;
        List<String> inTrack = new ArrayList<>();
        for (JsonNode e : root.get("traceEvents")) {
            if (e.get("ph").asText().equals("M") && e.get("name").asText().equals("process_name")
                    && e.get("args").get("name").asText().startsWith("container " + name + " (")) {
                track = e.get("pid").asInt();
            }
        }
        assertThat(track).isPositive();
        for (JsonNode e : root.get("traceEvents")) {
            if (e.get("ph").asText().equals("X") && e.get("pid").asInt() == track) {
                inTrack.add(e.get("name").asText());
            }
        }
        Files.writeString(Path.of("target/container-slices.txt"), String.join("\n", inTrack));
        java.nio.file.Files.copy(rec, Path.of("target/container-recording.jsonl.gz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(inTrack).contains("unshare -u hostname inner-" + name, "sleep 0.3");
        // busybox sh runs ls as an applet in the forked child, without an exec: named by its comm
        assertThat(inTrack).contains("ls");
        Files.copy(json, Path.of("target/container-recording.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
