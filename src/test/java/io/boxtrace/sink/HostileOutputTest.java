package io.boxtrace.sink;

import static io.boxtrace.sink.SampleStreams.HOSTILE;
import static io.boxtrace.sink.SampleStreams.MARKUP;
import static io.boxtrace.sink.SampleStreams.TERMINAL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.BuildStep;
import io.boxtrace.analysis.build.Builder;
import io.boxtrace.analysis.build.CommandNode;
import io.boxtrace.analysis.build.StepProfile;
import io.boxtrace.analysis.startup.StartupReport;
import io.boxtrace.analysis.timeline.BuildTimeline;
import io.boxtrace.analysis.timeline.StartupTimeline;
import io.boxtrace.analysis.tree.ContainerTree;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.render.Escape;
import io.boxtrace.render.chrome.ChromeTraceWriter;
import io.boxtrace.render.console.BuildProfileRenderer;
import io.boxtrace.render.console.ContainerTreeText;
import io.boxtrace.render.console.StartupReportText;
import io.boxtrace.render.console.Style;
import io.boxtrace.render.console.TreeRenderer;
import io.boxtrace.render.html.HtmlWriter;
import io.boxtrace.render.html.Pages;
import io.boxtrace.sink.console.ConsoleTraceSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.select.NodeVisitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings from the traced world that try to inject markup or drive a terminal ({@link SampleStreams#MARKUP},
 * {@link SampleStreams#TERMINAL}), fed through comm, file names, argv, container names and images,
 * user names and build instructions into every human output. HTML is parsed with jsoup, as a
 * browser would, and must hold no injected element, attribute or comment, and its embedded JSON
 * must read back to the same values; terminal text must hold no control or format character.
 */
class HostileOutputTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theHtmlReportOfARecordingHoldsNoInjectedElementAndItsDataReadsBack() throws IOException {
        Path out = Golden.convert(SampleStreams.hostileSession(), dir.resolve("r.html"));
        String html = Files.readString(out);
        Document doc = assertNoInjection(html);
        JsonNode data = MAPPER.readTree(doc.getElementById("data").data());
        JsonNode shell = find(data.get("spans"), "pid", 3000);
        // what the script draws is the text a reader must see: the label with controls made visible
        assertThat(shell.get("cmd").asText()).isEqualTo(Escape.text("sh -c echo " + MARKUP + " " + TERMINAL));
        assertThat(data.get("tracks").get(1).get("title").asText()).contains(Escape.text(HOSTILE.displayName()));
        Element li = doc.selectFirst("li.proc[data-pid=3000]");
        assertThat(li.attr("data-cmd")).isEqualTo(Escape.text("sh -c echo " + MARKUP + " " + TERMINAL));
        assertThat(li.selectFirst("span.cmd").text()).contains("</script><img src=x onerror=alert(1)><!--");
        assertThat(doc.select("section.track h2").eachText()).anySatisfy(t -> assertThat(t).contains("web</script><img"));
    }

    @Test
    void theBuildHtmlHoldsNoInjectedElementAndEmbedsTheExactProfile() throws IOException {
        BuildProfile p = hostileBuild();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HtmlWriter.write(BuildTimeline.of(p), Pages.build(p), out);
        String html = out.toString(StandardCharsets.UTF_8);
        Document doc = assertNoInjection(html);
        JsonNode profile = MAPPER.readTree(doc.getElementById("profile").data());
        assertThat(profile.get("steps").get(0).get("instruction").asText()).isEqualTo("RUN echo " + MARKUP + TERMINAL);
        assertThat(profile.get("steps").get(0).get("processes").get(0).get("args").get(2).asText()).isEqualTo(TERMINAL);
        assertThat(profile.get("notices").get(0).asText()).isEqualTo("notice " + MARKUP + TERMINAL);
        assertThat(doc.select("p.note").eachText()).anySatisfy(t -> assertThat(t).contains("Failed step: RUN echo </script>"));
        JsonNode data = MAPPER.readTree(doc.getElementById("data").data());
        assertThat(data.get("spans").findValuesAsText("cmd")).contains(Escape.text("sh -c " + TERMINAL + " " + MARKUP));
    }

    @Test
    void chromeTracesCarryTheExactStringsAsValidJson() throws IOException {
        Path out = Golden.convert(SampleStreams.hostileSession(), dir.resolve("t.json"));
        JsonNode root = MAPPER.readTree(out.toFile());
        JsonNode shell = null;
        for (JsonNode e : root.get("traceEvents")) {
            if (e.get("ph").asText().equals("X") && e.get("args").path("pid").asInt() == 3000) {
                shell = e;
            }
        }
        assertThat(shell.get("args").get("argv").get(3).asText()).isEqualTo(TERMINAL);
        assertThat(shell.get("args").get("container").asText()).isEqualTo(HOSTILE.displayName());
        ByteArrayOutputStream build = new ByteArrayOutputStream();
        ChromeTraceWriter.write(BuildTimeline.of(hostileBuild()), build);
        assertThat(MAPPER.readTree(build.toByteArray()).get("traceEvents").findValuesAsText("name"))
                .contains("[1/1] RUN echo " + MARKUP + TERMINAL);
    }

    @Test
    void theLiveConsoleShowsControlAndFormatCharactersAsEscapes() {
        StringWriter w = new StringWriter();
        ConsoleTraceSink sink = new ConsoleTraceSink(new PrintWriter(w), SampleStreams.CLOCK, Style.plain(), ZoneOffset.UTC, false);
        sink.begin();
        List<TracedEvent> events = SampleStreams.hostileSession();
        events.forEach(sink::accept);
        sink.flush();
        String text = w.toString();
        assertTerminalSafe(text);
        assertThat(text).contains("\\x1b[31mRED\\x07\\x0aforged line\\u202etxt.exe\\u2028\\u2029");
        // one line per shown event (the snapshot is not shown) and the header: no line was forged
        assertThat(text.lines().count()).isEqualTo(1 + events.size() - 1);
    }

    @Test
    void treesBuildProfilesAndStartUpReportsShowControlAndFormatCharactersAsEscapes() {
        ProcessInfo p = new ProcessInfo(new ProcessKey(3000, 1), 1, 1000, "c" + TERMINAL, "/bin/x", List.of("sh", TERMINAL),
                "/", HOSTILE.cgroup(), 7001, List.of(3000, 1), Map.of(), 0, -1, 0, false);
        StringWriter tree = new StringWriter();
        new ContainerTreeText(Style.plain(), new TreeRenderer(Style.plain(), uid -> "user" + TERMINAL, true))
                .render(new PrintWriter(tree), new ContainerTree.Result(List.of(new ContainerTree.Group(HOSTILE, List.of(p),
                        List.of(p), List.of())), List.of()), true, false, List.of(TERMINAL));
        assertTerminalSafe(tree.toString());
        assertThat(tree.toString()).contains("user\\x1b[31mRED", "c\\x1b[31mRED", "web</script>");

        StringWriter build = new StringWriter();
        new BuildProfileRenderer(Style.plain()).render(hostileBuild(), new PrintWriter(build));
        assertTerminalSafe(build.toString());
        assertThat(build.toString()).contains("RUN echo </script><img src=x onerror=alert(1)><!--\"'>\\x1b[31mRED");

        StringWriter startup = new StringWriter();
        StartupReportText.text(hostileStartup(), new PrintWriter(startup), Style.plain());
        assertTerminalSafe(startup.toString());
        assertThat(startup.toString()).contains("c\\x1b[31mRED", "web</script>");
        assertThat(StartupTimeline.of(hostileStartup()).spans()).isNotEmpty();
    }

    /** Parses html as a browser would and checks that only the template's own elements, scripts and attributes exist. */
    static Document assertNoInjection(String html) {
        assertThat(html).doesNotContain("\u2028", "\u2029", "\u202e", "\u001b", "\u0007");
        Document doc = Jsoup.parse(html);
        assertThat(doc.select("img, svg image, iframe, object, embed")).isEmpty();
        // the template's: the JSON data, optionally an embedded profile, and the inline script
        assertThat(doc.select("script")).allSatisfy(s -> assertThat(s.attr("type")).isIn("", "application/json"));
        assertThat(doc.select("script").size()).isBetween(2, 3);
        List<String> bad = new ArrayList<>();
        doc.traverse((NodeVisitor) (Node node, int depth) -> {
            if (node instanceof Comment c) {
                bad.add("comment " + c.getData());
            }
            for (Attribute a : node.attributes()) {
                if (a.getKey().startsWith("on") || a.getKey().equals("src") || a.getKey().equals("href")) {
                    bad.add(node.nodeName() + " " + a);
                }
            }
        });
        assertThat(bad).as("injected attributes or comments").isEmpty();
        return doc;
    }

    static void assertTerminalSafe(String text) {
        for (String line : text.split("\n", -1)) {
            for (int i = 0; i < line.length(); i++) {
                assertThat(Escape.safe(line, i)).as("character U+%04X in line: %s", (int) line.charAt(i), line).isTrue();
                if (Character.isHighSurrogate(line.charAt(i))) {
                    i++;
                }
            }
        }
        assertThat(text.lines()).noneMatch(l -> l.startsWith("forged line"));
    }

    static JsonNode find(JsonNode array, String field, int value) {
        for (JsonNode n : array) {
            if (n.path(field).asInt() == value) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + " " + value + " in " + array);
    }

    static BuildProfile hostileBuild() {
        long t0 = 1_000_000_000L;
        CommandNode child = new CommandNode(101, List.of("c" + MARKUP), false, "c" + TERMINAL, t0 + 300, t0 + 400, 1, 0,
                false, List.of());
        CommandNode sh = new CommandNode(100, List.of("sh", "-c", TERMINAL, MARKUP), false, "sh", t0 + 200, t0 + 500, 1, 0,
                false, List.of(child));
        BuildStep step = new BuildStep(1, "1/1", "RUN echo " + MARKUP + TERMINAL, false, t0 + 100, t0 + 600,
                "abc" + TERMINAL, null, null, -1, "failed " + MARKUP + TERMINAL, 1);
        StepProfile s = new StepProfile(step, t0 + 100, t0 + 600, 100, 100, "abc" + TERMINAL,
                StepProfile.Attribution.CONTAINER_ID, List.of(sh));
        return new BuildProfile(Builder.CLASSIC, List.of("docker", "build", TERMINAL), Instant.parse("2026-12-03T10:00:00Z"),
                t0, t0 + 700, 1, List.of(s), List.of("notice " + MARKUP + TERMINAL));
    }

    static StartupReport hostileStartup() {
        long t0 = 1_000_000_000L;
        StartupReport.Proc user = new StartupReport.Proc(3001, 1, "c" + TERMINAL, List.of(MARKUP, TERMINAL), t0 + 300,
                t0 + 400, 0, 0, true, List.of(), null);
        StartupReport.Proc client = new StartupReport.Proc(3000, 3000, "docker" + TERMINAL, List.of("docker", "run", TERMINAL),
                t0, t0 + 500, 0, 0, false, List.of(user), null);
        return new StartupReport("docker", HOSTILE, t0, t0 + 500, List.of(client), List.of(new StartupReport.NsOp(t0 + 200,
                3001, "c" + TERMINAL, "setns", List.of("mnt"), "/proc/" + TERMINAL, 0, 0)),
                List.of(new StartupReport.Phase("user process run", t0 + 300, t0 + 400)), "missing " + TERMINAL,
                "stopped " + TERMINAL);
    }
}
