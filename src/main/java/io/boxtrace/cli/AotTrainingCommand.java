package io.boxtrace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The launcher's training run for JDK 25's ahead-of-time cache (boxtrace script): the classes a run
 * loads and links are what the cache holds. Trained on {@code tree} alone, the cache left out the ~500
 * classes of the tracing path (sources, sinks, the Docker event stream), which every {@code trace},
 * {@code record}, {@code run}, {@code build} and {@code agent} then loaded and verified at start-up.
 * Runs a {@code tree} and a short {@code trace} of {@code /bin/true}; their output is thrown away.
 * Hidden: not a command for users.
 */
@Command(name = "aot-training", hidden = true, description = "Training run for the start-up cache (used by the launcher).")
final class AotTrainingCommand implements Callable<Integer> {

    @Override
    public Integer call() throws IOException {
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        Main.execute(new String[] {"tree", "--all", "--json"}, discard, discard);
        Path out = Files.createTempFile("boxtrace-aot-training", ".json");
        try {
            Main.execute(new String[] {"trace", "--json", "-o", out.toString(), "--", "/bin/true"}, discard, discard);
        } finally {
            Files.deleteIfExists(out);
        }
        return 0;
    }
}
