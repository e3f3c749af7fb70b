package io.boxtrace.analysis.build;

import io.boxtrace.analysis.timeline.BuildTimeline;
import io.boxtrace.render.chrome.ChromeTraceWriter;
import io.boxtrace.render.html.HtmlWriter;
import io.boxtrace.render.html.Pages;
import io.boxtrace.render.json.BuildProfileJson;
import io.boxtrace.render.console.BuildProfileRenderer;

import static io.boxtrace.analysis.build.BuildEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.render.console.Style;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSON, Chrome trace, HTML and console output of one profile, read back and checked field by field. */
class BuildProfileOutputTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** FROM (cached) then RUN with a background child, a failing ls, and an exec'd last command. */
    static BuildProfile profile() {
        BuildProfileAnalysis analysis = new BuildProfileAnalysis();
        BuildEvents ev = new BuildEvents(analysis);
        ev.existing(3327, 1, "dockerd", "/");
        BuildOutputParser out = new BuildKitOutputParser();
        out.accept(at(10), "#4 [1/2] FROM docker.io/boxtrace-test/busybox:latest");
        out.accept(at(11), "#4 CACHED");
        String cmd = "sh -c 'sleep 0.4 & echo <bg>; wait' && ls /x";
        out.accept(at(20), "#5 [2/2] RUN " + cmd);
        ev.fork(30, 3327, 100);
        ev.fork(80, 100, 101);
        ev.moveTo(101, "/docker/buildkit/8tyec75qgp558al0hxj657vlv");
        ev.exec(600, 101, "/bin/sh", "-c", cmd);
        ev.fork(601, 101, 102);
        ev.exec(602, 102, "sh", "-c", "sleep 0.4 & echo <bg>; wait");
        ev.fork(603, 102, 103);
        ev.exec(604, 103, "sleep", "0.4");
        ev.fork(605, 102, 104);
        ev.exec(606, 104, "echo", "<bg>");
        ev.exit(607, 104, 0);
        ev.exit(1003, 103, 0);
        ev.exit(1004, 102, 0);
        ev.exec(1005, 101, "ls", "/x");
        ev.exit(1007, 101, 1);
        out.accept(at(1020), "#5 ERROR: executor failed running [/bin/sh -c " + cmd + "]: exit code: 1");
        out.finish(at(1100));
        return BuildProfileAssembler.assemble(out.builder(), out.steps(), analysis, List.of("docker", "build", "."),
                Instant.parse("2026-11-23T02:00:00Z"), at(0), at(1100), 1);
    }

    @Test
    void jsonHasTheDocumentedShapeAndValues() throws Exception {
        StringWriter w = new StringWriter();
        BuildProfileJson.write(profile(), w);
        JsonNode root = MAPPER.readTree(w.toString());
        assertThat(root.get("builder").asText()).isEqualTo("buildkit");
        assertThat(root.get("exit_code").asInt()).isEqualTo(1);
        assertThat(root.get("duration_ms").asDouble()).isEqualTo(1100.0);
        JsonNode steps = root.get("steps");
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).get("cached").asBoolean()).isTrue();
        assertThat(steps.get(0).get("processes")).isEmpty();
        JsonNode run = steps.get(1);
        assertThat(run.get("index").asInt()).isEqualTo(2);
        assertThat(run.get("instruction").asText()).startsWith("RUN sh -c");
        assertThat(run.get("start").asDouble()).isEqualTo(20.0);
        assertThat(run.get("end").asDouble()).isEqualTo(1020.0);
        assertThat(run.get("duration_ms").asDouble()).isEqualTo(1000.0);
        assertThat(run.get("setup_ms").asDouble()).isEqualTo(580.0);
        assertThat(run.get("teardown_ms").asDouble()).isEqualTo(13.0);
        assertThat(run.get("exit_code").asInt()).isEqualTo(1);
        assertThat(run.get("attribution").asText()).isEqualTo("timing");
        JsonNode sh = run.get("processes").get(0);
        assertThat(sh.get("pid").asInt()).isEqualTo(101);
        assertThat(sh.get("args").get(0).asText()).isEqualTo("/bin/sh");
        assertThat(sh.get("start").asDouble()).isEqualTo(600.0);
        assertThat(sh.get("exit_code").asInt()).isEqualTo(1);
        JsonNode kids = sh.get("children");
        assertThat(kids).hasSize(2);
        JsonNode inner = kids.get(0);
        assertThat(inner.get("children")).hasSize(2);
        JsonNode sleep = inner.get("children").get(0);
        assertThat(sleep.get("args").toString()).isEqualTo("[\"sleep\",\"0.4\"]");
        assertThat(sleep.get("duration_ms").asDouble()).isEqualTo(400.0);
        assertThat(sleep.get("exit_code").asInt()).isZero();
        JsonNode ls = kids.get(1);
        assertThat(ls.get("replaced_parent").asBoolean()).isTrue();
        assertThat(ls.get("pid").asInt()).isEqualTo(101);
        assertThat(ls.get("duration_ms").asDouble()).isEqualTo(2.0);
        assertThat(ls.get("exit_code").asInt()).isEqualTo(1);
    }

    @Test
    void chromeTraceNestsSlicesPerLane() throws Exception {
        java.io.ByteArrayOutputStream w = new java.io.ByteArrayOutputStream();
        ChromeTraceWriter.write(BuildTimeline.of(profile()), w);
        io.boxtrace.sink.chrome.ChromeTraceSinkTest.assertTraceEventFormat(MAPPER.readTree(w.toByteArray()));
        JsonNode events = MAPPER.readTree(w.toByteArray()).get("traceEvents");
        List<JsonNode> slices = new ArrayList<>();
        events.forEach(e -> {
            if (e.get("ph").asText().equals("X")) {
                slices.add(e);
            }
        });
        assertThat(slices).extracting(e -> e.get("name").asText())
                .contains("[2/2] RUN sh -c 'sleep 0.4 & echo <bg>; wait' && ls /x", "CACHED [1/2] FROM docker.io/boxtrace-test/busybox:latest",
                        "container set-up", "sleep 0.4", "ls /x");
        JsonNode sleep = slices.stream().filter(e -> e.get("name").asText().equals("sleep 0.4")).findFirst().orElseThrow();
        assertThat(sleep.get("ts").asDouble()).isEqualTo(603_000.0);
        assertThat(sleep.get("dur").asDouble()).isEqualTo(400_000.0);
        assertThat(sleep.get("args").get("pid").asInt()).isEqualTo(103);
        assertThat(sleep.get("args").get("exit_code").asInt()).isZero();
        JsonNode step = slices.stream().filter(e -> e.get("name").asText().startsWith("[2/2]")).findFirst().orElseThrow();
        assertThat(step.get("args").get("error").asText()).contains("exit code: 1");
        // one track per step, named after it, in the builder's order
        List<String> tracks = new ArrayList<>();
        events.forEach(e -> {
            if (e.get("name").asText().equals("process_name")) {
                tracks.add(e.get("args").get("name").asText());
            }
        });
        assertThat(tracks).containsExactly("[1/2] FROM docker.io/boxtrace-test/busybox:latest",
                "[2/2] RUN sh -c 'sleep 0.4 & echo <bg>; wait' && ls /x");
        // On every (pid, tid) track, slices either nest or follow each other.
        for (JsonNode a : slices) {
            for (JsonNode b : slices) {
                if (a == b || a.get("pid").asInt() != b.get("pid").asInt() || a.get("tid").asInt() != b.get("tid").asInt()) {
                    continue;
                }
                double as = a.get("ts").asDouble(), ae = as + a.get("dur").asDouble();
                double bs = b.get("ts").asDouble(), be = bs + b.get("dur").asDouble();
                boolean disjoint = ae <= bs || be <= as;
                boolean nested = (as <= bs && be <= ae) || (bs <= as && ae <= be);
                assertThat(disjoint || nested).as(a + " vs " + b).isTrue();
            }
        }
    }

    @Test
    void htmlIsSelfContainedAndEscaped() throws Exception {
        java.io.ByteArrayOutputStream w = new java.io.ByteArrayOutputStream();
        BuildProfile p = profile();
        HtmlWriter.write(BuildTimeline.of(p), Pages.build(p), w);
        String html = w.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script src").doesNotContain("<link");
        assertThat(html).contains("echo &lt;bg&gt;").doesNotContain("echo <bg>;");
        assertThat(html).contains("Failed step: RUN sh -c").contains("— command ls /x exited 1");
        assertThat(html).contains("data-cmd=\"sleep 0.4\"", "<h2>[2/2] RUN sh -c");
        String open = "<script type=\"application/json\" id=\"profile\">";
        String json = html.substring(html.indexOf(open) + open.length(), html.indexOf("</script>", html.indexOf(open)));
        assertThat(MAPPER.readTree(json).get("steps")).hasSize(2);
        assertThat(MAPPER.readTree(json).get("steps").get(1).get("instruction").asText()).contains("echo <bg>;");
    }

    static io.boxtrace.event.ProcessResources cost(double cpuMs, long rssKb) {
        long ns = (long) (cpuMs * 1e6);
        return new io.boxtrace.event.ProcessResources(ns, 0, rssKb, 0, 0, 0, 0, 0,
                io.boxtrace.event.ProcessResources.Source.KERNEL);
    }

    @Test
    void htmlDrawsCpuAndMemoryBarsPerCommandAgainstTheLargestAndPerStep() throws Exception {
        BuildProfileAnalysis analysis = new BuildProfileAnalysis();
        BuildEvents ev = new BuildEvents(analysis);
        ev.existing(3327, 1, "dockerd", "/");
        BuildOutputParser out = new BuildKitOutputParser();
        out.accept(at(20), "#5 [1/1] RUN gcc x.c && sleep 1");
        ev.fork(30, 3327, 100);
        ev.moveTo(100, "/docker/buildkit/8tyec75qgp558al0hxj657vlv");
        ev.exec(60, 100, "/bin/sh", "-c", "gcc x.c && sleep 1");
        ev.fork(61, 100, 101);
        ev.exec(62, 101, "gcc", "x.c");
        ev.exit(462, 101, 0, cost(400, 204_800));
        ev.exec(463, 100, "sleep", "1");
        ev.exit(1463, 100, 0, cost(4, 1_024));
        out.accept(at(1470), "#5 DONE 1.4s");
        out.finish(at(1500));
        BuildProfile p = BuildProfileAssembler.assemble(out.builder(), out.steps(), analysis, List.of("docker", "build", "."),
                Instant.parse("2026-11-23T02:00:00Z"), at(0), at(1500), 0);
        java.io.ByteArrayOutputStream w = new java.io.ByteArrayOutputStream();
        HtmlWriter.write(BuildTimeline.of(p), Pages.build(p), w);
        String html = w.toString(java.nio.charset.StandardCharsets.UTF_8);
        // gcc is the largest command: full bars; sleep's CPU is 1 % of it, its memory 0.5 % (drawn as 1 %).
        assertThat(html).containsPattern("data-cmd=\"gcc x.c\".*?<span class=\"rbar cpu\" title=\"CPU 400.0 ms\">"
                + "<i style=\"width:100%\"></i></span><span class=\"barlabel\">CPU 400.0 ms</span>"
                + "<span class=\"rbar mem\" title=\"peak 200.0 MiB\"><i style=\"width:100%\">");
        assertThat(html).containsPattern("data-cmd=\"sleep 1\".*?<span class=\"rbar cpu\" title=\"CPU 4.0 ms\">"
                + "<i style=\"width:1%\"></i>");
        // The step: the sum of its commands' CPU, drawn against the largest step (itself).
        assertThat(html).containsPattern("<span class=\"rbar cpu\" title=\"CPU 404.0 ms\"><i style=\"width:100%\">");
    }

    @Test
    void consoleShowsStepsTreeAndSummary() {
        StringWriter w = new StringWriter();
        new BuildProfileRenderer(Style.plain()).render(profile(), new PrintWriter(w));
        String text = w.toString();
        assertThat(text).contains("Build profile (buildkit, 1.100 s, exit 1)");
        assertThat(text).containsPattern("\\[1/2\\] +\\+0\\.010s +1\\.0 ms +CACHED RUN|\\[1/2\\] .*CACHED FROM");
        assertThat(text).containsPattern("\\[2/2\\] +\\+0\\.020s +1\\.000 s +FAILED RUN sh -c");
        assertThat(text).contains("set-up 580.0 ms, tear-down 13.0 ms, container 8tyec75qgp558al0hxj657vlv (timing)");
        assertThat(text).containsPattern("\\+0\\.603s +400\\.0 ms +      sleep 0\\.4 \\[103\\]");
        assertThat(text).containsPattern("\\+1\\.005s +2\\.0 ms +    exec ls /x \\[101\\] exit 1");
        assertThat(text).contains("Slowest commands").contains("Failed step: RUN sh -c")
                .contains("— command ls /x exited 1");
        assertThat(text).doesNotContain("\u001b[");
    }
}
