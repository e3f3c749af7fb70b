package io.boxtrace.container;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Decodes an HTTP/1.1 chunked body; a malformed size line or early end is an IOException. */
final class ChunkedInputStream extends InputStream {

    private final InputStream in;
    private long remaining;
    private boolean done;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        int c = in.read();
        if (c < 0) {
            throw new EOFException("chunked body cut short");
        }
        remaining--;
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (!fill()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("chunked body cut short");
        }
        remaining -= n;
        return n;
    }

    /** Makes sure bytes of a chunk are available; false at the terminating zero-size chunk. */
    private boolean fill() throws IOException {
        if (done) {
            return false;
        }
        if (remaining > 0) {
            return true;
        }
        String size = UnixHttp.readLine(in);
        if (size.isEmpty()) { // the CRLF that ends the previous chunk
            size = UnixHttp.readLine(in);
        }
        int semi = size.indexOf(';');
        try {
            remaining = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size: " + UnixHttp.abbreviate(size));
        }
        if (remaining < 0) {
            throw new IOException("bad chunk size: " + UnixHttp.abbreviate(size));
        }
        if (remaining == 0) {
            done = true;
            return false;
        }
        return true;
    }
}
