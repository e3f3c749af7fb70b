package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.source.recording.RecordingReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * boxtrace record against the real kernel (as root) in a child JVM, then boxtrace report to every
 * format, read back by babeltrace2 and headless Chromium; and a recording killed with SIGKILL.
 */
class RecordingIT {

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    static Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static Result report(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("report"));
        all.addAll(List.of(args));
        int code = cl.execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    static List<TracedEvent> read(Path p) throws IOException {
        List<TracedEvent> out = new ArrayList<>();
        try (RecordingReader r = RecordingReader.open(p)) {
            TracedEvent e;
            while ((e = r.next()) != null) {
                out.add(e);
            }
        }
        return out;
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    static List<String> chromium(Path profile, String... args) {
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void recordsACommandAndEveryFormatReadsBack() throws Exception {
        String tag = "bt-rec-" + UUID.randomUUID().toString().substring(0, 8);
        Path rec = tmp.resolve("run.jsonl");
        Path log = tmp.resolve("record.log");
        // a recorded argv that tries to inject markup into the HTML report; the DOM must show it as text
        String hostile = "</script><img src=x onerror=alert(1)><!--";
        Process p = start(log, "record", "-o", rec.toString(), "--", "sh", "-c",
                "/bin/echo " + tag + " >/dev/null; /bin/echo '" + hostile + "' >/dev/null; (sleep 0.2; /bin/true " + tag
                        + ") & /bin/ls /proc/self >/dev/null; wait; exit 3");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(3);
        List<TracedEvent> events = read(rec);
        Files.copy(rec, Path.of("target/real-recording.jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(events).anySatisfy(t -> assertThat(t.event()).isInstanceOfSatisfying(ExecEvent.class,
                x -> assertThat(x.args()).containsExactly("/bin/echo", tag)));
        assertThat(events).anySatisfy(t -> assertThat(t.event()).isInstanceOfSatisfying(ExitEvent.class,
                x -> assertThat(x.exitCode()).isEqualTo(3)));
        try (RecordingReader r = RecordingReader.open(rec)) {
            while (r.next() != null) {
                // to the end, for the summary
            }
            assertThat(r.summary()).isNotNull();
            assertThat(r.header().source()).isNotBlank();
        }

        Path json = tmp.resolve("run.json");
        assertThat(report(rec.toString(), "-o", json.toString()).exit()).isZero();
        JsonNode chrome = new ObjectMapper().readTree(json.toFile());
        assertThat(chrome.get("traceEvents").findValuesAsText("name")).contains("/bin/echo " + tag, "/bin/true " + tag);

        Path ctf = tmp.resolve("run.ctf");
        assertThat(report(rec.toString(), "-o", ctf.toString()).exit()).isZero();
        String text = run(List.of("babeltrace2", ctf.toString()));
        long forks = events.stream().filter(t -> t.event() instanceof io.boxtrace.event.ForkEvent).count();
        assertThat(text.lines().filter(l -> l.contains("sched_process_fork")).count()).isEqualTo(forks);
        assertThat(text).contains("filename = \"/bin/echo\"");

        Path pf = tmp.resolve("run.pftrace");
        assertThat(report(rec.toString(), "-o", pf.toString()).exit()).isZero();
        assertThat(new String(Files.readAllBytes(pf), StandardCharsets.ISO_8859_1)).contains("/bin/true " + tag);

        Path html = tmp.resolve("run.html");
        assertThat(report(rec.toString(), "-o", html.toString()).exit()).isZero();
        String dom = run(chromium(tmp.resolve("profile1"), "--virtual-time-budget=3000", "--dump-dom",
                html.toUri() + "#q=" + tag));
        assertThat(dom).contains("data-cmd=\"/bin/echo " + tag + "\"").contains("class=\"proc match\"")
                .containsPattern("<rect [^>]*class=\"slice [^\"]*match\"").containsPattern("processes match");
        // the DOM the browser built after running the page's script: the hostile argv is text in the
        // tree and the timeline, and no element, attribute or comment came of it
        org.jsoup.nodes.Document live = org.jsoup.Jsoup.parse(dom);
        assertThat(live.select("img")).isEmpty();
        assertThat(live.select("li.proc").eachAttr("data-cmd")).contains("/bin/echo " + hostile);
        assertThat(live.select("li.proc span.cmd").eachText()).contains("/bin/echo " + hostile);
        assertThat(live.select("[onerror]")).isEmpty();
        assertThat(live.select("script")).hasSize(2);
        Path png = tmp.resolve("run.png");
        run(chromium(tmp.resolve("profile2"), "--virtual-time-budget=3000", "--window-size=1280,900",
                "--screenshot=" + png, html.toUri().toString()));
        byte[] image = Files.readAllBytes(png);
        assertThat(image.length).isGreaterThan(10_000);
        assertThat(new String(image, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        Files.copy(png, Path.of("target/report-screenshot.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aRecordingKilledWithSigkillMidWriteStillConverts() throws Exception {
        String tag = "bt-kill-" + UUID.randomUUID().toString().substring(0, 8);
        Path rec = tmp.resolve("killed.jsonl.gz");
        Process p = start(tmp.resolve("record.log"), "record", "-o", rec.toString(), "--", "sh", "-c",
                "i=0; while [ $i -lt 100 ]; do /bin/true " + tag + " $i; i=$((i+1)); done; exec sleep 60");
        // Wait until the loop has run and at least one periodic flush has happened, then SIGKILL.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && (!Files.exists(rec) || Files.size(rec) < 4096)) {
            Thread.sleep(100);
        }
        Thread.sleep(1500);
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        children.forEach(ProcessHandle::destroyForcibly);
        Path json = tmp.resolve("killed.json");
        Result r = report(rec.toString(), "-o", json.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).startsWith("boxtrace report: warning: " + rec).contains("cut off while being written")
                .doesNotContain("\tat ");
        JsonNode chrome = new ObjectMapper().readTree(json.toFile());
        long trues = chrome.get("traceEvents").findValuesAsText("name").stream().filter(n -> n.startsWith("/bin/true " + tag)).count();
        assertThat(trues).isEqualTo(100);
    }

    @Test
    void ctrlCFinishesTheRecordingAndWritesTheTimelineFiles() throws Exception {
        String name = "bt-none-" + UUID.randomUUID().toString().substring(0, 8);
        for (String file : List.of("int.jsonl", "int.html")) {
            Path out = tmp.resolve(file);
            Path log = tmp.resolve(file + ".log");
            Process p = start(log, "record", "-o", out.toString(), "--duration", "60s", "--container", name);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !Files.readString(log).contains("source")
                    && !(Files.exists(out) && Files.size(out) > 0)) {
                Thread.sleep(100);
            }
            Thread.sleep(1500);
            run(List.of("kill", "-INT", Long.toString(p.pid())));
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
            // 130 = 128 + SIGINT: the JVM's status after a signal-initiated shutdown, as a shell reports Ctrl-C
            assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(130);
            assertThat(Files.readString(log)).doesNotContain("Exception");
            if (file.endsWith(".jsonl")) {
                try (RecordingReader r = RecordingReader.open(out)) {
                    while (r.next() != null) {
                        // to the summary
                    }
                    assertThat(r.summary()).as("summary line after Ctrl-C").isNotNull();
                }
            } else {
                assertThat(Files.readString(out)).contains("<title>boxtrace report: ").endsWith("</html>\n");
            }
        }
    }
}
