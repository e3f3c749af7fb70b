package io.boxtrace.analysis.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * Copies a build command's output stream through unchanged (byte for byte, as it arrives, so
 * progress output still redraws) and hands every complete line to a parser with the
 * CLOCK_MONOTONIC time it was read. One thread per stream; {@link #join} after the command exited.
 */
public final class OutputTee {

    private static final int MAX_LINE = 64 * 1024;
    private final Thread thread;

    private OutputTee(Thread thread) {
        this.thread = thread;
    }

    public static OutputTee start(String name, InputStream in, OutputStream out, BuildOutputParser parser, LongSupplier clock) {
        Thread t = Thread.ofPlatform().daemon().name(name).start(() -> pump(in, out, parser, clock));
        return new OutputTee(t);
    }

    private static void pump(InputStream in, OutputStream out, BuildOutputParser parser, LongSupplier clock) {
        byte[] buf = new byte[8192];
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                long now = clock.getAsLong();
                out.write(buf, 0, n);
                out.flush();
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        parser.accept(now, line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else if (line.size() < MAX_LINE) {
                        line.write(buf[i]);
                    }
                }
            }
            if (line.size() > 0) {
                parser.accept(clock.getAsLong(), line.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The command closed its end or boxtrace's own output is gone: nothing more to copy.
        }
    }

    /** Waits until the stream reached its end (at most timeoutMs). */
    public void join(long timeoutMs) {
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
