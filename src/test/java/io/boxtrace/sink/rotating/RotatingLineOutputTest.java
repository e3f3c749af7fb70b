package io.boxtrace.sink.rotating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingLineOutputTest {

    @TempDir
    Path tmp;

    @Test
    void rotatesOnlyBetweenWholeLinesAndKeepsTheNewestFiles() throws IOException {
        Path f = tmp.resolve("events.jsonl");
        List<String> written = new ArrayList<>();
        try (RotatingLineOutput w = new RotatingLineOutput(f, 1000, 100)) {
            for (int i = 0; i < 500; i++) {
                String line = "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 37) + "é\"}";
                written.add(line);
                // written in pieces, as a JSON generator does: a rotation never falls inside a line
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                w.write(b, 0, 5);
                w.write(b, 5, b.length - 5);
                w.write('\n');
                if (i % 50 == 0) {
                    w.flush();
                }
            }
            assertThat(w.rotations()).isGreaterThan(10);
            assertThat(w.lines()).isEqualTo(500);
        }
        List<String> read = new ArrayList<>();
        int files = 0;
        for (int i = 100; i >= 1; i--) {
            Path r = tmp.resolve("events.jsonl." + i);
            if (Files.exists(r)) {
                files++;
                assertThat(Files.size(r)).isLessThanOrEqualTo(1000);
                read.addAll(Files.readAllLines(r, StandardCharsets.UTF_8));
            }
        }
        read.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
        assertThat(files).isGreaterThan(10);
        assertThat(read).as("every line once, in order, none split").isEqualTo(written);
    }

    @Test
    void deletesFilesBeyondKeepAndHoldsAPartialLineUntilItsNewline() throws IOException {
        Path f = tmp.resolve("out.jsonl");
        try (RotatingLineOutput w = new RotatingLineOutput(f, 10, 2)) {
            for (int i = 0; i < 6; i++) {
                write(w, "line-" + i + "\n"); // 7 bytes: one line per file
            }
            write(w, "partial");
            w.flush();
            assertThat(Files.readString(f)).isEqualTo("line-5\n");
        }
        // closing completes the partial line, which no longer fits beside line-5
        assertThat(Files.readString(f)).isEqualTo("partial\n");
        assertThat(Files.readString(tmp.resolve("out.jsonl.1"))).isEqualTo("line-5\n");
        assertThat(Files.readString(tmp.resolve("out.jsonl.2"))).isEqualTo("line-4\n");
        assertThat(tmp.resolve("out.jsonl.3")).doesNotExist();
    }

    @Test
    void aLineLongerThanTheLimitGetsAFileOfItsOwn() throws IOException {
        Path f = tmp.resolve("big.jsonl");
        try (RotatingLineOutput w = new RotatingLineOutput(f, 8, 3)) {
            write(w, "a\n0123456789abcdef\nb\n"); // three lines in one call: split at each newline
        }
        assertThat(Files.readString(tmp.resolve("big.jsonl.2"))).isEqualTo("a\n");
        assertThat(Files.readString(tmp.resolve("big.jsonl.1"))).isEqualTo("0123456789abcdef\n");
        assertThat(Files.readString(f)).isEqualTo("b\n");
    }

    @Test
    void aLineHeldAcrossManyWritesGrowsItsBufferAndStaysWhole() throws IOException {
        Path f = tmp.resolve("long.jsonl");
        String longLine = "é".repeat(2000); // 4,000 bytes, past the initial line buffer; é is two bytes
        try (RotatingLineOutput w = new RotatingLineOutput(f, 1 << 20, 1)) {
            byte[] b = (longLine + "\nnext\n").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < b.length; i += 7) { // split inside multi-byte characters too
                w.write(b, i, Math.min(7, b.length - i));
            }
            assertThat(w.lines()).isEqualTo(2);
        }
        assertThat(Files.readAllLines(f, StandardCharsets.UTF_8)).containsExactly(longLine, "next");
    }

    private static void write(RotatingLineOutput w, String s) throws IOException {
        w.write(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesSizes() {
        assertThat(RotatingLineOutput.parseSize("100M")).isEqualTo(100L << 20);
        assertThat(RotatingLineOutput.parseSize("512k")).isEqualTo(512L << 10);
        assertThat(RotatingLineOutput.parseSize("1GiB")).isEqualTo(1L << 30);
        assertThat(RotatingLineOutput.parseSize("4096")).isEqualTo(4096);
        assertThatThrownBy(() -> RotatingLineOutput.parseSize("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> RotatingLineOutput.parseSize("0")).hasMessageContaining("positive");
    }
}
