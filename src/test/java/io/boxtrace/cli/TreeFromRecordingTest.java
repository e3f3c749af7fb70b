package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * tree --from on a recording made on this kernel (a shell that forks a subshell running sleep 0.2,
 * from 0.27 s to 0.48 s into the recording): the tree is the one live at --at, and bad input is one line.
 */
class TreeFromRecordingTest {

    private static final String RECORDING = Path.of("src/test/resources/recordings/real-command.jsonl").toString();

    private record Run(int exit, String out, String err) {
    }

    private static Run tree(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "tree";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = Main.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void showsTheTreeLiveAtTheGivenMoment() throws Exception {
        Run r = tree("--from", RECORDING, "--at", "0.4s", "--all", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode host = new ObjectMapper().readTree(r.out()).get("host");
        JsonNode sh = host.get(0);
        assertThat(sh.get("pid").asInt()).isEqualTo(22082);
        JsonNode subshell = sh.get("children").get(0);
        assertThat(subshell.get("pid").asInt()).isEqualTo(22085);
        assertThat(subshell.get("children").get(0).get("args").toString()).isEqualTo("[\"sleep\",\"0.2\"]");
    }

    @Test
    void atTheEndEverythingHasExited() throws Exception {
        Run r = tree("--from", RECORDING, "--all", "--json");
        assertThat(new ObjectMapper().readTree(r.out()).get("host")).isEmpty();
    }

    @Test
    void badInputIsOneLine() {
        Run foreign = tree("--from", "pom.xml");
        assertThat(foreign.exit()).isEqualTo(1);
        assertThat(foreign.err().strip()).startsWith("boxtrace tree: pom.xml:1: not a boxtrace recording").doesNotContain("\n");
        Run badAt = tree("--from", RECORDING, "--at", "yesterday");
        assertThat(badAt.exit()).isEqualTo(2);
        Run atAlone = tree("--at", "1s");
        assertThat(atAlone.exit()).isEqualTo(2);
        assertThat(atAlone.err().strip()).isEqualTo("boxtrace tree: --at needs --from RECORDING");
    }
}
