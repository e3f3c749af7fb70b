package io.boxtrace.cli;

import io.boxtrace.render.Escape;
import io.boxtrace.source.recording.RecordingReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a recording for {@code report} and the {@code --from} analyses. Opening a FIFO blocks until
 * something writes to it, so boxtrace says in one line that it is waiting rather than hang silently
 * (the readers stream, so a pipe works once a writer comes). Stateless.
 */
final class RecordingInputs {

    private RecordingInputs() {
    }

    static RecordingReader open(Path path, PrintWriter err, String command) throws IOException {
        if (isFifo(path)) {
            err.println(command + ": " + Escape.text(path.toString())
                    + " is a named pipe: waiting for a writer (Ctrl-C to give up)");
            err.flush();
        }
        return RecordingReader.open(path);
    }

    private static boolean isFifo(Path path) {
        try {
            return ((Integer) Files.getAttribute(path, "unix:mode") & 0170000) == 0010000; // S_IFIFO
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // missing or unreadable: RecordingReader.open names the problem
        }
    }
}
