package io.boxtrace.cli;

import io.boxtrace.source.recording.RecordingReader;
import java.io.IOException;
import java.io.PrintWriter;
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
        InputFiles.announceFifo(path, err, command);
        return RecordingReader.open(path);
    }
}
