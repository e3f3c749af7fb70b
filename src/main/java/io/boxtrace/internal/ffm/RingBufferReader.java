package io.boxtrace.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Consumes a BPF ring buffer map in place: the kernel's pages are mapped into the process and read
 * from Java, as libbpf's {@code ring_buffer__consume} reads them from C. Replaces libbpf's consumer
 * because its callback is an upcall from native code into Java per record, and each upcall (with a
 * fresh view of the record) cost more than decoding the record (docs/performance.md).
 *
 * <p>Layout (kernel/bpf/ringbuf.c): page 0 holds the consumer position and is mapped writable; page 1
 * holds the producer position; the data area follows, mapped twice in a row so that a record that
 * wraps around the end is contiguous. Each record starts with an 8-byte header: its length with a
 * BUSY bit (reserved, not yet committed) and a DISCARD bit, then a page offset the reader ignores;
 * records are 8-byte aligned. Positions only grow; the offset in the area is position &amp; (size − 1).
 *
 * <p>Thread-safety: one reader thread calls {@link #poll}; {@link #close} after it has stopped.
 */
public final class RingBufferReader implements AutoCloseable {

    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final short POLLIN = 1;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private final Arena arena;
    private final MemorySegment capture;
    /** Two struct pollfd: the ring's fd, and {@link #wakeFd} so {@link #wake} ends a wait at once. */
    private final MemorySegment pollFd;
    private final int wakeFd;
    private final boolean mapped;
    private final long dataSize;
    private final long mask;
    private final MemorySegment consumerPage;
    private final MemorySegment producerPages;
    private final MemorySegment data;
    private byte[] scratch = new byte[4096];
    private ByteBuffer view = ByteBuffer.wrap(scratch).order(ByteOrder.nativeOrder());
    private boolean closed;

    /**
     * Maps the ring buffer map {@code fd} whose data area is {@code dataSize} bytes (its
     * max_entries: a power of two, a multiple of the page size).
     */
    public static RingBufferReader map(int fd, long dataSize) throws NativeException {
        if (Long.bitCount(dataSize) != 1) {
            throw new IllegalArgumentException("ring buffer size " + dataSize + " is not a power of two");
        }
        Arena arena = Arena.ofShared();
        MemorySegment capture = Libc.newCapture(arena);
        long page = Libc.pageSize(capture);
        MemorySegment consumer = mmap(capture, fd, page, PROT_READ | PROT_WRITE, 0);
        MemorySegment producer;
        try {
            producer = mmap(capture, fd, page + 2 * dataSize, PROT_READ, page);
        } catch (NativeException e) {
            munmap(capture, consumer);
            arena.close();
            throw e;
        }
        return new RingBufferReader(arena, fd, consumer, producer, producer.asSlice(page, 2 * dataSize), dataSize, true);
    }

    /**
     * A reader of a ring laid out in the given memory: the consumer position at consumer's start,
     * the producer position at producer's start, the data area twice in a row (2 × dataSize).
     * Mapped memory when {@code mapped}; plain memory in tests.
     */
    RingBufferReader(Arena arena, int fd, MemorySegment consumer, MemorySegment producer, MemorySegment data,
                     long dataSize, boolean mapped) {
        this.arena = arena;
        this.capture = Libc.newCapture(arena);
        this.pollFd = arena.allocate(16, 4);
        this.wakeFd = Libc.eventfd(capture, 0, EFD_CLOEXEC | EFD_NONBLOCK); // -1 (ignored by poll) if refused
        this.consumerPage = consumer;
        this.producerPages = producer;
        this.data = data;
        this.dataSize = dataSize;
        this.mask = dataSize - 1;
        this.mapped = mapped;
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
        pollFd.set(ValueLayout.JAVA_INT, 8, wakeFd);
        pollFd.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
    }

    /**
     * Consumes what is there; if nothing was, waits up to timeoutMs for data and consumes it.
     * Each record is handed to onRecord as a buffer valid only during the call. Returns the number
     * of records, or a negative errno when waiting failed.
     */
    public int poll(int timeoutMs, Consumer<ByteBuffer> onRecord) {
        int n = consume(onRecord);
        if (n > 0) {
            return n;
        }
        int rc = Libc.poll(capture, pollFd, 2L, timeoutMs);
        if (rc < 0) {
            return -Libc.errno(capture);
        }
        return consume(onRecord);
    }

    /** Reads every committed record, stopping at the first one still being written. */
    public int consume(Consumer<ByteBuffer> onRecord) {
        int n = 0;
        long cons = (long) LONG.getAcquire(consumerPage, 0L);
        long prod = (long) LONG.getAcquire(producerPages, 0L);
        while (cons < prod) {
            while (cons < prod) {
                long offset = cons & mask;
                int header = (int) INT.getAcquire(data, offset);
                if ((header & BUSY) != 0) {
                    return n;
                }
                int length = header & ~(BUSY | DISCARD);
                if (length > dataSize - HEADER) {
                    throw new IllegalStateException("ring buffer record of " + length + " bytes at " + cons);
                }
                if ((header & DISCARD) == 0) {
                    deliver(offset + HEADER, length, onRecord);
                    n++;
                }
                cons += (length + HEADER + 7) & ~7L;
                // Released after each record, as libbpf does, so the kernel can reuse the space at once.
                LONG.setRelease(consumerPage, 0L, cons);
            }
            prod = (long) LONG.getAcquire(producerPages, 0L);
        }
        return n;
    }

    private void deliver(long offset, int length, Consumer<ByteBuffer> onRecord) {
        if (length > scratch.length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
            view = ByteBuffer.wrap(scratch).order(ByteOrder.nativeOrder());
        }
        // One bulk copy to the heap: the decoder's many small reads are cheaper there than on the
        // shared mapping, and the record's space is given back to the kernel right after.
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, offset, scratch, 0, length);
        view.clear().limit(length);
        try {
            onRecord.accept(view);
        } catch (RuntimeException e) {
            // The consumer counts its own errors; a record it cannot take must not stop the reader.
        }
    }

    /**
     * Ends the reader's current and every later wait at once (the fd stays readable): for stopping,
     * so a long poll timeout does not delay the stop. Any thread.
     */
    public synchronized void wake() {
        if (closed || wakeFd < 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            Libc.write(Libc.newCapture(a), wakeFd, one, 8);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (wakeFd >= 0) {
            Libc.close(capture, wakeFd);
        }
        if (mapped) {
            munmap(capture, producerPages);
            munmap(capture, consumerPage);
        }
        arena.close();
    }

    private static MemorySegment mmap(MemorySegment capture, int fd, long length, int prot, long offset)
            throws NativeException {
        MemorySegment at = Libc.mmap(capture, MemorySegment.NULL, length, prot, MAP_SHARED, fd, offset);
        if (at.address() == -1L) {
            throw new NativeException("mmap of the ring buffer", Libc.errno(capture));
        }
        return at.reinterpret(length);
    }

    private static void munmap(MemorySegment capture, MemorySegment s) {
        Libc.munmap(capture, s, s.byteSize()); // a failure leaves the mapping to the process's exit
    }
}
