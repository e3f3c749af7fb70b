package io.boxtrace.cli;

import io.boxtrace.render.Escape;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the files boxtrace reads that someone else may have written (recordings, build profiles, the
 * agent's config). Opening a FIFO blocks until something writes to it, so boxtrace says in one line
 * that it is waiting rather than hang silently (a pipe such as {@code <(…)} still works once a writer
 * comes); small documents are read with a size cap whatever the file claims to be ({@code /dev/zero}
 * has size 0); and Jackson's limits are said in boxtrace's words. Stateless.
 */
final class InputFiles {

    private InputFiles() {
    }

    /** Says on err that path is a named pipe and boxtrace waits for a writer, when it is one. */
    static void announceFifo(Path path, PrintWriter err, String command) {
        if (isFifo(path)) {
            err.println(command + ": " + Escape.text(path.toString())
                    + " is a named pipe: waiting for a writer (Ctrl-C to give up)");
            err.flush();
        }
    }

    /** The whole of path, refused once it passes max bytes (nothing beyond is read). */
    static byte[] readCapped(Path path, int max, PrintWriter err, String command) throws IOException {
        announceFifo(path, err, command);
        try (InputStream in = Files.newInputStream(path)) {
            byte[] all = in.readNBytes(max + 1);
            if (all.length > max) {
                throw new IOException("larger than " + (max >= 1 << 20 ? (max >> 20) + " MiB" : max + " bytes")
                        + ", not a file boxtrace wrote");
            }
            return all;
        }
    }

    /** A JSON or YAML parser's complaint in boxtrace's words (never Jackson's StreamReadConstraints wording). */
    static String problem(com.fasterxml.jackson.core.JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
            return "beyond boxtrace's limits (nested deeper than 1000 levels, or a number or text too long)";
        }
        String m = String.valueOf(e.getOriginalMessage());
        int nl = m.indexOf('\n');
        return Escape.text(nl < 0 ? m : m.substring(0, nl));
    }

    private static boolean isFifo(Path path) {
        try {
            return ((Integer) Files.getAttribute(path, "unix:mode") & 0170000) == 0010000; // S_IFIFO
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // missing or unreadable: the reader names the problem
        }
    }
}
