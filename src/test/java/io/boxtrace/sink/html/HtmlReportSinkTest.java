package io.boxtrace.sink.html;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.sink.Golden;
import io.boxtrace.sink.SampleStreams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's static part; RecordingIT opens it in headless Chromium. */
class HtmlReportSinkTest {

    @TempDir
    Path dir;

    @Test
    void isSelfContainedAndListsTheContainersProcessTree() throws IOException {
        Path out = Golden.convert(SampleStreams.containerSession(), dir.resolve("r.html"));
        Golden.compare(out, "container-session.html");
        String html = Files.readString(out);
        // no network: no external scripts, styles, images or fetches
        assertThat(html).doesNotContain("<link", "src=", "@import", "fetch(", "XMLHttpRequest")
                .doesNotContainPattern("(href|url)\\s*[=(]\\s*[\"']?https?:");
        assertThat(html).contains("<h2>container web (4f1c2a9b8d7e) boxtrace-test/busybox:latest</h2>");
        int web = html.indexOf("container web (");
        int host = html.indexOf("<h2>host</h2>");
        assertThat(web).isLessThan(host);
        String tree = html.substring(web, host);
        assertThat(tree).contains("data-cmd=\"sh -c ls /; sleep 1; false\"", "data-cmd=\"ls /\"", "data-cmd=\"true storm-7\"")
                .contains("<span class=\"bad\">killed by SIGKILL</span>", "(2 inside)");
        assertThat(tree.indexOf("data-cmd=\"ls /\"")).isGreaterThan(tree.indexOf("data-cmd=\"sh -c"));
        assertThat(html).contains("<h2 class=\"bad\">Lost events</h2>", "3 events lost (ebpf)");
    }

    @Test
    void recordedTextCannotBreakOutOfTheReport() throws IOException {
        assertThat(io.boxtrace.render.html.HtmlWriter.text("<script>\"&")).isEqualTo("&lt;script&gt;&quot;&amp;");
        Path out = Golden.convert(SampleStreams.containerSession(), dir.resolve("r.html"));
        String html = Files.readString(out);
        assertThat(html.indexOf("</script>")).isGreaterThan(html.indexOf("id=\"data\""));
    }
}
