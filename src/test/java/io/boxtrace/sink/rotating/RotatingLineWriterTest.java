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

class RotatingLineWriterTest {

    @TempDir
    Path tmp;

    @Test
    void rotatesOnlyBetweenWholeLinesAndKeepsTheNewestFiles() throws IOException {
        Path f = tmp.resolve("events.jsonl");
        List<String> written = new ArrayList<>();
        try (RotatingLineWriter w = new RotatingLineWriter(f, 1000, 100)) {
            for (int i = 0; i < 500; i++) {
                String line = "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 37) + "é\"}";
                written.add(line);
                // written in pieces, as a JSON generator does: a rotation never falls inside a line
                w.write(line.substring(0, 5));
                w.write(line.substring(5).toCharArray());
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
        try (RotatingLineWriter w = new RotatingLineWriter(f, 10, 2)) {
            for (int i = 0; i < 6; i++) {
                w.write("line-" + i + "\n"); // 7 bytes: one line per file
            }
            w.write("partial");
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
        try (RotatingLineWriter w = new RotatingLineWriter(f, 8, 3)) {
            w.write("a\n");
            w.write("0123456789abcdef\n");
            w.write("b\n");
        }
        assertThat(Files.readString(tmp.resolve("big.jsonl.2"))).isEqualTo("a\n");
        assertThat(Files.readString(tmp.resolve("big.jsonl.1"))).isEqualTo("0123456789abcdef\n");
        assertThat(Files.readString(f)).isEqualTo("b\n");
    }

    @Test
    void parsesSizes() {
        assertThat(RotatingLineWriter.parseSize("100M")).isEqualTo(100L << 20);
        assertThat(RotatingLineWriter.parseSize("512k")).isEqualTo(512L << 10);
        assertThat(RotatingLineWriter.parseSize("1GiB")).isEqualTo(1L << 30);
        assertThat(RotatingLineWriter.parseSize("4096")).isEqualTo(4096);
        assertThatThrownBy(() -> RotatingLineWriter.parseSize("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> RotatingLineWriter.parseSize("0")).hasMessageContaining("positive");
    }
}
