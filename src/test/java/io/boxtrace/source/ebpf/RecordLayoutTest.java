package io.boxtrace.source.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Java offsets in RecordLayout against the C structs as the compiler laid them out: read from
 * the BTF of the object the build just compiled (bpftool btf dump ... format raw), so a change to
 * boxtrace.h that is not mirrored in Java fails here.
 */
class RecordLayoutTest {

    private static final Path OBJECT = Path.of("target/classes/bpf/boxtrace.bpf.o");
    private static final Pattern STRUCT = Pattern.compile("^\\[\\d+] STRUCT '(\\w+)' size=(\\d+) vlen=\\d+$");
    private static final Pattern MEMBER = Pattern.compile("^\\s+'(\\w+)' type_id=\\d+ bits_offset=(\\d+)$");

    static Map<String, Map<String, Integer>> btfStructs() throws IOException, InterruptedException {
        assertThat(OBJECT).as("the build compiles the eBPF program").exists();
        Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", OBJECT.toString(), "format", "raw")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        Map<String, Map<String, Integer>> structs = new HashMap<>();
        Map<String, Integer> current = null;
        for (String line : out.split("\n")) {
            Matcher s = STRUCT.matcher(line);
            Matcher m = MEMBER.matcher(line);
            if (s.matches()) {
                current = new HashMap<>();
                current.put("$size", Integer.parseInt(s.group(2)));
                structs.put(s.group(1), current);
            } else if (m.matches() && current != null) {
                current.put(m.group(1), Integer.parseInt(m.group(2)) / 8);
            } else if (!line.startsWith("\t")) {
                current = null;
            }
        }
        return structs;
    }

    @Test
    void javaOffsetsMatchTheCompiledStructs() throws Exception {
        Map<String, Map<String, Integer>> btf = btfStructs();
        RecordLayout.expected().forEach((struct, members) -> {
            assertThat(btf).as("struct %s in BTF", struct).containsKey(struct);
            members.forEach((member, offset) -> assertThat(btf.get(struct).get(member))
                    .as("%s.%s", struct, member).isEqualTo(offset));
        });
        assertThat(btf.get("bt_header").get("$size")).isEqualTo(RecordLayout.HEADER_SIZE);
        assertThat(btf.get("bt_fork").get("h")).isZero();
        assertThat(btf.get("bt_exec").get("h")).isZero();
    }
}
