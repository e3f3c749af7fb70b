package io.boxtrace.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A bound AF_NETLINK datagram socket. Owns its native memory (a shared arena: opened on one thread,
 * read on the reader thread, closed from a third) and its file descriptor.
 *
 * <p>Thread-safety: {@link #receive} and {@link #release} from one reader thread; {@link #send} and
 * {@link #close} may be called from others (a blocked receive notices close within the receive timeout).
 */
public final class NetlinkSocket implements AutoCloseable {

    private static final int AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SO_RCVTIMEO = 20;
    private static final int SOCKADDR_NL_SIZE = 12;
    private static final int MSG_DONTWAIT = 0x40;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment sendCapture = Libc.newCapture(arena);
    private final MemorySegment recvCapture = Libc.newCapture(arena);
    private final MemorySegment recvBuffer;
    private final int fd;
    private volatile boolean closed;

    private NetlinkSocket(int fd, int receiveBufferSize) {
        this.fd = fd;
        this.recvBuffer = arena.allocate(receiveBufferSize, 8);
    }

    /**
     * Opens a socket of the given netlink protocol bound to the multicast groups mask.
     *
     * @param maxDatagram the largest datagram {@link #receive} must hold
     */
    public static NetlinkSocket open(int protocol, int groups, int maxDatagram) throws NativeException {
        int fd;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(tmp);
            fd = Libc.socket(cap, AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw new NativeException("socket(AF_NETLINK)", Libc.errno(cap));
            }
            MemorySegment addr = tmp.allocate(SOCKADDR_NL_SIZE, 4);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
            addr.set(ValueLayout.JAVA_INT, 4, 0); // nl_pid 0: the kernel assigns one
            addr.set(ValueLayout.JAVA_INT, 8, groups);
            if (Libc.bind(cap, fd, addr, SOCKADDR_NL_SIZE) != 0) {
                int errno = Libc.errno(cap);
                Libc.close(cap, fd);
                throw new NativeException("bind(netlink groups " + groups + ")", errno);
            }
        }
        return new NetlinkSocket(fd, maxDatagram);
    }

    /**
     * Asks for a receive buffer of bytes: SO_RCVBUFFORCE (needs CAP_NET_ADMIN, ignores rmem_max),
     * else SO_RCVBUF (capped by net.core.rmem_max). Returns the size the kernel granted (it doubles
     * the request for its own bookkeeping, so this is the effective size).
     */
    public int setReceiveBuffer(int bytes) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(tmp);
            MemorySegment v = tmp.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, bytes);
            if (Libc.setsockopt(cap, fd, SOL_SOCKET, SO_RCVBUFFORCE, v, 4) != 0) {
                Libc.setsockopt(cap, fd, SOL_SOCKET, SO_RCVBUF, v, 4);
            }
            MemorySegment len = tmp.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 4);
            Libc.getsockopt(cap, fd, SOL_SOCKET, SO_RCVBUF, v, len);
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Makes a blocked receive return EAGAIN after millis, so the reader can notice {@link #close}. */
    public void setReceiveTimeout(int millis) throws NativeException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(tmp);
            MemorySegment tv = tmp.allocate(16, 8); // struct timeval { long tv_sec; long tv_usec; }
            tv.set(ValueLayout.JAVA_LONG, 0, millis / 1000);
            tv.set(ValueLayout.JAVA_LONG, 8, (millis % 1000) * 1000L);
            if (Libc.setsockopt(cap, fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) != 0) {
                throw new NativeException("setsockopt(SO_RCVTIMEO)", Libc.errno(cap));
            }
        }
    }

    /** Sends one datagram to the kernel. */
    public synchronized void send(byte[] message) throws NativeException {
        if (closed) {
            return;
        }
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment buf = tmp.allocate(message.length, 8);
            MemorySegment.copy(message, 0, buf, ValueLayout.JAVA_BYTE, 0, message.length);
            if (Libc.send(sendCapture, fd, buf, message.length, 0) < 0) {
                throw new NativeException("send(netlink)", Libc.errno(sendCapture));
            }
        }
    }

    /**
     * Receives one datagram. Returns a little-endian view of it (valid until the next receive), or
     * null with {@link #lastErrno()} set: EAGAIN on timeout, ENOBUFS when the kernel dropped
     * messages because the buffer was full, or another errno.
     */
    public ByteBuffer receive() {
        return receive(0);
    }

    /** As {@link #receive()}, but returns null with EAGAIN at once when nothing is waiting (MSG_DONTWAIT). */
    public ByteBuffer receiveNow() {
        return receive(MSG_DONTWAIT);
    }

    private ByteBuffer receive(int flags) {
        long n = Libc.recv(recvCapture, fd, recvBuffer, recvBuffer.byteSize(), flags);
        if (n < 0) {
            lastErrno = Libc.errno(recvCapture);
            return null;
        }
        lastErrno = 0;
        return recvBuffer.asSlice(0, n).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    private int lastErrno;

    public int lastErrno() {
        return lastErrno;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Marks the socket closed. The descriptor itself is closed by {@link #release} on the reader
     * thread: closing it here could let the fd number be reused by another open while the reader is
     * about to call recv on it.
     */
    @Override
    public void close() {
        closed = true;
    }

    /** Closes the descriptor and frees native memory; call from the reader thread once it stopped receiving. */
    public synchronized void release() {
        closed = true;
        try (Arena tmp = Arena.ofConfined()) {
            Libc.close(Libc.newCapture(tmp), fd);
        }
        arena.close();
    }
}
