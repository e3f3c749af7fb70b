package io.boxtrace.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking {@link SocketChannel} driven through a {@link Selector}, so that connecting,
 * writing and every read has a timeout: the JDK's Unix-domain channels have no SO_TIMEOUT, and a
 * daemon that accepts and never answers would otherwise hold the caller forever. Reads go through
 * {@link #input()} in whatever sizes the caller asks (wrap it in a buffer: one read(2) per byte
 * was the old cost). An interrupt ends any wait at once with {@link InterruptedIOException}.
 * Not thread-safe: one connection, one thread; {@link #close} may be called from any thread.
 */
final class SocketDeadlines implements AutoCloseable {

    private final SocketChannel ch;
    private final Selector selector;
    private final long timeoutMs;
    private final String peer;
    private long readWaitMs;
    /** System.nanoTime by which the whole exchange must be done (Long.MAX_VALUE: none), and its length for messages. */
    private long endNs;
    private final long totalMs;

    private SocketDeadlines(SocketChannel ch, Selector selector, long timeoutMs, long totalMs, String peer) {
        this.ch = ch;
        this.selector = selector;
        this.timeoutMs = timeoutMs;
        this.peer = peer;
        this.readWaitMs = timeoutMs;
        this.totalMs = totalMs;
        this.endNs = totalMs == 0 ? Long.MAX_VALUE : System.nanoTime() + totalMs * 1_000_000L;
    }

    /**
     * Connects within timeoutMs; every later wait (write, read) also gives up after timeoutMs without
     * progress, and the whole exchange after totalMs (0: no limit): a daemon that trickles a byte
     * every second always makes progress, and would otherwise hold the caller for days.
     */
    static SocketDeadlines connect(SocketChannel ch, SocketAddress address, long timeoutMs, long totalMs, String peer)
            throws IOException {
        Selector selector = null;
        try {
            ch.configureBlocking(false);
            selector = Selector.open();
            SocketDeadlines s = new SocketDeadlines(ch, selector, timeoutMs, totalMs, peer);
            if (!ch.connect(address)) {
                s.await(SelectionKey.OP_CONNECT, timeoutMs, "no connection");
                ch.finishConnect();
            }
            return s;
        } catch (IOException | RuntimeException e) {
            if (selector != null) {
                selector.close();
            }
            ch.close();
            throw e;
        }
    }

    void write(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.write(buf) == 0) {
                await(SelectionKey.OP_WRITE, timeoutMs, "the request was not taken");
            }
        }
    }

    /**
     * From now on a read waits at most waitMs for data (0: until data, end or interrupt), and the
     * whole-exchange limit no longer applies: for an event stream, once its headers are in.
     */
    void readTimeout(long waitMs) {
        readWaitMs = waitMs;
        endNs = Long.MAX_VALUE;
    }

    /** The connection's bytes; a read waits at most the read timeout (the connection's timeout unless changed). */
    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (true) {
                    int n = ch.read(buf);
                    if (n != 0) {
                        return n;
                    }
                    await(SelectionKey.OP_READ, readWaitMs, "no answer");
                }
            }
        };
    }

    /** Waits until the channel is ready for op, or throws after waitMs (0: no limit) or on interrupt. */
    private void await(int op, long waitMs, String what) throws IOException {
        SelectionKey key = ch.register(selector, op);
        try {
            long own = waitMs == 0 ? Long.MAX_VALUE : System.nanoTime() + waitMs * 1_000_000L;
            long deadline = Math.min(own, endNs);
            while (true) {
                long left = deadline == Long.MAX_VALUE ? 0 : Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
                int ready = selector.select(left);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for " + peer);
                }
                // readyOps() keeps its last value while the key is not selected again: trust only this select's set
                boolean selected = ready > 0 && selector.selectedKeys().contains(key);
                selector.selectedKeys().clear();
                if (selected && key.isValid() && (key.readyOps() & op) != 0) {
                    return;
                }
                if (System.nanoTime() >= deadline) {
                    throw new SocketTimeoutException(deadline == endNs && endNs < own
                            ? "no complete answer within " + seconds(totalMs) : what + " within " + seconds(waitMs));
                }
            }
        } finally {
            key.interestOps(0);
        }
    }

    static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            ch.close();
        }
    }
}
