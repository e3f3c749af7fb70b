package io.boxtrace.sink.rotating;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file of lines (UTF-8 bytes) that rotates by size, for log shippers (fluent-bit, vector) tailing {@code FILE}:
 * when the next complete line would take {@code FILE} past {@code maxBytes}, it is renamed
 * {@code FILE.1} (older ones shift to {@code FILE.2} … {@code FILE.keep}, the oldest is deleted)
 * and a new {@code FILE} is started. Only whole lines are ever written: bytes are held until
 * their newline (0x0A never occurs inside a multi-byte UTF-8 character), so no line is split between two files or lost at rotation, and a reader never sees
 * half a line after a {@link #flush}. A single line longer than {@code maxBytes} gets a file of its own.
 *
 * <p>Rename-then-create is what shippers' tail inputs follow (they keep reading the renamed file
 * to its end by inode). Not thread-safe: one writer thread.
 */
public final class RotatingLineOutput extends OutputStream {

    private static final int BUFFER = 1 << 16;

    private final Path file;
    private final long maxBytes;
    private final int keep;
    /** The line being written, up to its newline. */
    private byte[] line = new byte[512];
    private int lineLength;
    private final byte[] pendingBuf = new byte[BUFFER];
    private int pending;
    private OutputStream out;
    private long size;
    private long rotations;
    private long lines;

    /** @param keep rotated files kept beside FILE (0: FILE only, truncated at each rotation) */
    public RotatingLineOutput(Path file, long maxBytes, int keep) throws IOException {
        if (maxBytes <= 0 || keep < 0) {
            throw new IllegalArgumentException("rotate size must be > 0 and keep >= 0");
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        open();
    }

    private void open() throws IOException {
        out = io.boxtrace.sink.file.OutputFiles.append(file);
        size = Files.size(file);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                hold(b, start, i + 1 - start);
                completeLine();
                start = i + 1;
            }
        }
        hold(b, start, end - start);
    }

    @Override
    public void write(int c) throws IOException {
        write(new byte[] {(byte) c}, 0, 1);
    }

    private void hold(byte[] b, int off, int len) {
        if (lineLength + len > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, lineLength + len));
        }
        System.arraycopy(b, off, line, lineLength, len);
        lineLength += len;
    }

    private void completeLine() throws IOException {
        int n = lineLength;
        lineLength = 0;
        if (size > 0 && size + n > maxBytes) {
            rotate();
        }
        if (pending + n > pendingBuf.length) {
            drain();
        }
        if (n > pendingBuf.length) {
            out.write(line, 0, n);
            line = new byte[512]; // a huge line's buffer is not kept
        } else {
            System.arraycopy(line, 0, pendingBuf, pending, n);
            pending += n;
        }
        size += n;
        lines++;
    }

    private void drain() throws IOException {
        if (pending > 0) {
            out.write(pendingBuf, 0, pending);
            pending = 0;
        }
    }

    private void rotate() throws IOException {
        drain();
        out.close();
        if (keep == 0) {
            Files.delete(file);
        } else {
            Files.deleteIfExists(numbered(keep));
            for (int i = keep - 1; i >= 1; i--) {
                try {
                    Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException absent) {
                    // fewer rotated files than keep so far
                }
            }
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        rotations++;
        open();
    }

    private Path numbered(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    /** Writes every complete line; a partial line stays held until its newline. */
    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    /** Writes what is held, including a last line without its newline, and closes the file. */
    @Override
    public void close() throws IOException {
        if (lineLength > 0) {
            write('\n');
        }
        drain();
        out.close();
    }

    public long rotations() {
        return rotations;
    }

    public long lines() {
        return lines;
    }

    /** Parses sizes such as {@code 100M}, {@code 512k}, {@code 1G}, {@code 4096}. */
    public static long parseSize(String s) {
        String t = s.trim().toUpperCase(java.util.Locale.ROOT);
        if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("I")) {
            t = t.substring(0, t.length() - 1);
        }
        long mult = 1;
        if (!t.isEmpty() && "KMG".indexOf(t.charAt(t.length() - 1)) >= 0) {
            mult = 1L << (10 * ("KMG".indexOf(t.charAt(t.length() - 1)) + 1));
            t = t.substring(0, t.length() - 1);
        }
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: " + s + " (e.g. 100M, 512K, 1G)");
        }
        if (n <= 0) {
            throw new IllegalArgumentException("size must be positive: " + s);
        }
        return Math.multiplyExact(n, mult);
    }
}
