package io.boxtrace.sink.file;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An output that counts the bytes the layer below took, so a failed write (a full disk, a closed
 * pipe) can say how much of the output did get written, not only that it is incomplete. The count
 * is read from another thread for the end-of-run message; writes come from one thread.
 */
public final class CountedOutput extends FilterOutputStream {

    private volatile long written;

    public CountedOutput(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len); // FilterOutputStream's own would write byte by byte
        written += len;
    }

    /** Bytes written so far (all of them reached the file or device, or its page cache). */
    public long written() {
        return written;
    }
}
