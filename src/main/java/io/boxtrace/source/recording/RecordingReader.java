package io.boxtrace.source.recording;

import io.boxtrace.recording.RecordingFormatException;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.recording.RecordingSummary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.event.TracedEvent;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a recording written by {@link RecordingWriter}, streaming: {@link #open} reads the header,
 * {@link #next} one event per call (first the initial state, when the header says it is there, as
 * snapshot events: replaying them puts what was running at the start in place). Errors are one line naming the file and line:
 * <ul>
 * <li>not a recording (foreign or empty file, bad header): {@link #open} throws;</li>
 * <li>a corrupt line in the middle: {@link #next} throws, the events before it were delivered;</li>
 * <li>a recording cut off while being written (last line without its newline, or gzip data that
 *     stops mid-stream): {@link #next} returns null and {@link #warning} says where it stopped.</li>
 * </ul>
 * Not thread-safe; close it when done.
 */
public final class RecordingReader implements AutoCloseable {

    /** Longest line accepted: an event with a full 16 KiB argv in its records is far below this. */
    public static final int MAX_LINE_BYTES = 4 * 1024 * 1024;
    /** Deepest JSON nesting accepted: a recording line nests 4 levels (container parents a few more). */
    public static final int MAX_NESTING = 64;
    private static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING).maxStringLength(MAX_LINE_BYTES).build()).build());

    private final String name;
    private final CountingStream raw;
    private final InputStream in;
    private final RecordingHeader header;
    private final EventDecoder decoder = new EventDecoder();
    private final byte[] buf = new byte[1 << 16];
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(1024);
    private int bufPos;
    private int bufLen;
    private long lineNo;
    private long events;
    private long initial;
    private RecordingSummary summary;
    private String warning;
    private boolean done;

    private RecordingReader(Path path, CountingStream raw, InputStream in) throws IOException {
        this.name = path.toString();
        this.raw = raw;
        this.in = in;
        this.header = readHeader();
    }

    /** Opens path (gzip recognised by its magic bytes) and reads the header. */
    public static RecordingReader open(Path path) throws IOException {
        InputStream file;
        try {
            file = Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new RecordingFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new RecordingFormatException(path + ": cannot read (" + e.getMessage() + ")");
        }
        if (Files.isDirectory(path)) {
            file.close();
            throw new RecordingFormatException(path + ": is a directory, not a recording");
        }
        CountingStream counting = new CountingStream(new BufferedInputStream(file, 1 << 16));
        InputStream data = counting;
        counting.mark(2);
        boolean gz = counting.read() == 0x1f && counting.read() == 0x8b;
        counting.reset();
        try {
            if (gz) {
                data = new GZIPInputStream(counting, 1 << 16);
            }
            return new RecordingReader(path, counting, data);
        } catch (IOException e) {
            counting.close();
            if (e instanceof RecordingFormatException) {
                throw e;
            }
            throw new RecordingFormatException(path + ": " + (gz ? "not readable gzip data (" + e.getMessage() + ")"
                    : "cannot read (" + e.getMessage() + ")"));
        }
    }

    public RecordingHeader header() {
        return header;
    }

    /** The next event, or null at the end (check {@link #warning} for a recording cut off). */
    public TracedEvent next() throws RecordingFormatException {
        while (!done) {
            Line line = readLine();
            if (line == null) {
                done = true;
                return null;
            }
            if (line.text.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = MAPPER.readTree(line.text);
            } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
                throw error("JSON beyond boxtrace's limits (nested deeper than " + MAX_NESTING
                        + " levels, or a number longer than 1000 digits), not a boxtrace recording line");
            } catch (JsonProcessingException e) {
                if (!line.terminated) {
                    return cutOff("the last line is incomplete (the recording was cut off while being written)");
                }
                throw error("not JSON (" + firstLine(e.getOriginalMessage()) + ")");
            }
            if (!line.terminated && n == null) {
                return cutOff("the last line is incomplete");
            }
            String type = n.path("type").asText("");
            if (type.equals("summary")) {
                try {
                    summary = RecordingSummary.fromJson(n);
                } catch (RuntimeException e) {
                    // a summary whose counts cannot be read must not pass for "none lost"
                    throw error("a broken summary line (" + e.getMessage() + ")");
                }
                continue;
            }
            if (type.equals(RecordingHeader.TYPE)) {
                throw error("a second recording header (two recordings concatenated?)");
            }
            try {
                TracedEvent e = decoder.decode(n);
                if (n.path("initial").asBoolean(false)) {
                    initial++; // the state at the start, not an event of the recording
                } else {
                    events++;
                }
                return e;
            } catch (RuntimeException e) {
                // a field of the wrong type or shape anywhere in the line: bad input, not a bug of boxtrace
                if (!line.terminated) {
                    return cutOff("the last line is incomplete");
                }
                throw error("cannot rebuild the event: " + firstLine(e.getMessage()));
            }
        }
        return null;
    }

    /** The summary line, or null when the recording was cut off before it (read to the end first). */
    public RecordingSummary summary() {
        return summary;
    }

    /** Why reading stopped early although no error was thrown, as one line; null if it did not. */
    public String warning() {
        return warning;
    }

    /** The number of the last line read (1 is the header). */
    public long lineNumber() {
        return lineNo;
    }

    /** Events returned so far, not counting the initial state. */
    public long eventCount() {
        return events;
    }

    /**
     * Initial-state lines returned so far: the processes alive when recording began, which {@link #next}
     * returns first, as snapshot events stamped with the recording's start (see {@link RecordingHeader#initialState}).
     */
    public long initialCount() {
        return initial;
    }

    private RecordingHeader readHeader() throws IOException {
        Line first = readLine();
        if (first == null) {
            throw new RecordingFormatException(name + ": empty file, not a boxtrace recording");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(first.text);
        } catch (JsonProcessingException e) {
            throw error("not a boxtrace recording (the first line is not JSON; record one with boxtrace record -o FILE.jsonl)");
        }
        RecordingHeader h;
        try {
            h = n == null ? null : RecordingHeader.fromJson(n);
        } catch (RuntimeException e) {
            throw error("a broken recording header (" + e.getMessage() + ")");
        }
        if (h == null) {
            throw error("not a boxtrace recording (the first line is not a \"" + RecordingHeader.TYPE
                    + "\" header; record one with boxtrace record -o FILE.jsonl)");
        }
        if (h.version() > RecordingHeader.FORMAT_VERSION) {
            throw error("recording format version " + h.version() + " is newer than this boxtrace reads ("
                    + RecordingHeader.FORMAT_VERSION + "); use a newer boxtrace");
        }
        return h;
    }

    private TracedEvent cutOff(String what) {
        warning = name + ":" + lineNo + ": " + what + "; using the " + events + " events before it";
        done = true;
        return null;
    }

    private RecordingFormatException error(String what) {
        return new RecordingFormatException(name + ":" + lineNo + ": " + what);
    }

    private record Line(String text, boolean terminated) {
    }

    /** One line and whether its newline was there; null at the end. Decompression errors end the data. */
    private Line readLine() throws RecordingFormatException {
        // Bytes, not a Reader: a decoder reads ahead and would drop what it decoded when gzip data
        // breaks off; GZIPInputStream returns every byte it has before it throws.
        ByteArrayOutputStreamView sb = new ByteArrayOutputStreamView(line);
        try {
            while (true) {
                if (bufPos == bufLen) {
                    bufLen = in.read(buf, 0, buf.length);
                    bufPos = 0;
                    if (bufLen <= 0) {
                        bufLen = 0;
                        break;
                    }
                }
                int start = bufPos;
                while (bufPos < bufLen && buf[bufPos] != '\n') {
                    bufPos++;
                }
                if (line.size() + (bufPos - start) > MAX_LINE_BYTES) {
                    line.reset();
                    done = true;
                    throw new RecordingFormatException(name + ":" + (lineNo + 1) + ": line longer than "
                            + MAX_LINE_BYTES / (1024 * 1024) + " MiB" + (lineNo == 0 ? ", not a boxtrace recording"
                            : ", not a boxtrace recording line (reading stopped there)"));
                }
                line.write(buf, start, bufPos - start);
                if (bufPos < bufLen) {
                    bufPos++;
                    lineNo++;
                    return new Line(sb.take(), true);
                }
            }
        } catch (RecordingFormatException e) {
            throw e;
        } catch (ZipException e) {
            if (lineNo == 0) {
                throw new RecordingFormatException(name + ": corrupt gzip data at byte " + raw.count + " (" + e.getMessage() + ")");
            }
            throw new RecordingFormatException(name + ": corrupt gzip data at byte " + raw.count + " (after line "
                    + lineNo + ": " + e.getMessage() + ")");
        } catch (java.io.EOFException e) {
            // GZIPInputStream: the compressed stream stops mid-block, i.e. the writer was cut off.
            lineNo++;
            warning = name + ": the compressed data stops at byte " + raw.count + " (line " + lineNo
                    + "; the recording was cut off while being written); using the " + events + " events before it";
            done = true;
            return line.size() == 0 ? null : new Line(sb.take(), false);
        } catch (IOException e) {
            throw new RecordingFormatException(name + ":" + (lineNo + 1) + ": cannot read (" + e.getMessage() + ")");
        }
        if (line.size() == 0) {
            return null;
        }
        lineNo++;
        return new Line(sb.take(), false);
    }

    /** Hands out the collected line as text and empties the buffer for the next one. */
    private record ByteArrayOutputStreamView(java.io.ByteArrayOutputStream bytes) {
        String take() {
            String s = bytes.toString(StandardCharsets.UTF_8);
            bytes.reset();
            return s;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Counts compressed bytes consumed, to name the offset where gzip data breaks off. */
    private static final class CountingStream extends FilterInputStream {
        long count;
        private long markCount;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public synchronized void mark(int limit) {
            super.mark(limit);
            markCount = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = markCount;
        }
    }
}
