package io.boxtrace.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A loaded eBPF object: its programs attached, its maps reachable by name, and at most one ring
 * buffer consumer. Owns every native resource it creates (object, links, ring buffer mapping) and
 * releases them in {@link #close}.
 *
 * <p>Thread-safety: open, attach and close from one thread; {@link #poll} from one reader thread
 * (its callback runs there); map updates from any thread (the kernel serialises them).
 */
public final class BpfObject implements AutoCloseable {

    private final LibBpf.Handles lib;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment capture = LibBpf.newCapture(arena);
    private final MemorySegment object;
    private final List<MemorySegment> links = new ArrayList<>();
    private volatile RingBufferReader ring;
    private Consumer<ByteBuffer> onRecord;
    private boolean closed;

    private BpfObject(LibBpf.Handles lib, MemorySegment object) {
        this.lib = lib;
        this.object = object;
    }

    /** Opens (parses, does not load) an object file held in memory. */
    public static BpfObject open(byte[] elf) throws NativeException {
        LibBpf.Handles lib = LibBpf.handles();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = LibBpf.newCapture(tmp);
            // libbpf keeps pointing into the buffer while the object lives: give it global memory.
            MemorySegment buf = Arena.global().allocate(elf.length, 8);
            MemorySegment.copy(elf, 0, buf, ValueLayout.JAVA_BYTE, 0, elf.length);
            MemorySegment obj = (MemorySegment) lib.openMem.invokeExact(cap, buf, (long) elf.length, MemorySegment.NULL);
            if (obj.equals(MemorySegment.NULL)) {
                throw new NativeException("bpf_object__open_mem", LibBpf.errno(cap));
            }
            return new BpfObject(lib, obj);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Creates the maps and loads the programs through the verifier. */
    public void load() throws NativeException {
        int rc = call(() -> (int) lib.load.invokeExact(object));
        if (rc < 0) {
            throw new NativeException("bpf_object__load", -rc);
        }
        // CO-RE relocation parsed the kernel's whole BTF (megabytes) in malloc'd memory that libbpf
        // has freed by now; glibc would keep those pages in its arena for the life of the process.
        MallocTrim.trim();
    }

    /** Attaches every program by its section name (tp/..., tp_btf/...). */
    public void attachAll() throws NativeException {
        MemorySegment prog = MemorySegment.NULL;
        while (true) {
            MemorySegment cur = prog;
            prog = call(() -> (MemorySegment) lib.nextProgram.invokeExact(object, cur));
            if (prog.equals(MemorySegment.NULL)) {
                return;
            }
            MemorySegment p = prog;
            MemorySegment link = call(() -> (MemorySegment) lib.attach.invokeExact(capture, p));
            if (link.equals(MemorySegment.NULL)) {
                MemorySegment name = call(() -> (MemorySegment) lib.programName.invokeExact(p));
                throw new NativeException("attaching " + name.reinterpret(256).getString(0), LibBpf.errno(capture));
            }
            links.add(link);
        }
    }

    /** The file descriptor of a map, by its name in the C source. */
    public int mapFd(String name) {
        MemorySegment map = map(name);
        return call(() -> (int) lib.mapFd.invokeExact(map));
    }

    private MemorySegment map(String name) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cname = tmp.allocateFrom(name);
            MemorySegment map = call(() -> (MemorySegment) lib.findMap.invokeExact(object, cname));
            if (map.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("no map " + name + " in the BPF object");
            }
            return map;
        }
    }

    /** Sets key to value in a map (both in the map's native layout, little-endian on x86-64). */
    public void update(int mapFd, byte[] key, byte[] value) throws NativeException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = LibBpf.newCapture(tmp);
            MemorySegment k = tmp.allocateFrom(ValueLayout.JAVA_BYTE, key);
            MemorySegment v = tmp.allocateFrom(ValueLayout.JAVA_BYTE, value);
            int rc = call(() -> (int) lib.updateElem.invokeExact(cap, mapFd, k, v, 0L));
            if (rc != 0) {
                throw new NativeException("bpf_map_update_elem", LibBpf.errno(cap));
            }
        }
    }

    /** Reads key's value into valueOut (sized for the map's value, times CPUs for per-CPU maps); false if absent. */
    public boolean lookup(int mapFd, byte[] key, byte[] valueOut) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cap = LibBpf.newCapture(tmp);
            MemorySegment k = tmp.allocateFrom(ValueLayout.JAVA_BYTE, key);
            MemorySegment v = tmp.allocate(valueOut.length, 8);
            boolean found = call(() -> (int) lib.lookupElem.invokeExact(cap, mapFd, k, v)) == 0;
            if (found) {
                MemorySegment.copy(v, ValueLayout.JAVA_BYTE, 0, valueOut, 0, valueOut.length);
            }
            return found;
        }
    }

    public int possibleCpus() {
        return call(() -> (int) lib.possibleCpus.invokeExact());
    }

    /**
     * Sets up the consumer of a ring buffer map, by name. The callback runs on the thread that calls
     * {@link #poll}, with a buffer valid only during the call; it must not throw.
     */
    public void ringBuffer(String mapName, Consumer<ByteBuffer> callback) throws NativeException {
        MemorySegment map = map(mapName);
        int fd = call(() -> (int) lib.mapFd.invokeExact(map));
        long size = Integer.toUnsignedLong(call(() -> (int) lib.mapMaxEntries.invokeExact(map)));
        this.onRecord = callback;
        this.ring = RingBufferReader.map(fd, size);
    }

    /**
     * Waits up to timeoutMs for data, then consumes everything in the ring buffer (records
     * submitted without a wake-up included); returns records consumed or a negative errno.
     */
    public int poll(int timeoutMs) {
        return ring.poll(timeoutMs, onRecord);
    }

    /** Ends the ring reader's wait at once (for stopping); any thread. */
    public void wakeReader() {
        RingBufferReader r = ring;
        if (r != null) {
            r.wake();
        }
    }

    @Override
    public synchronized void close() {
        close(true);
    }

    /**
     * Detaches and frees everything; the ring buffer's mapping too unless {@code unmapRing} is false:
     * a reader thread that could not be stopped may still be reading it, and reading unmapped memory
     * would crash the JVM. The mapping keeps the map alive in the kernel and goes with the process.
     */
    public synchronized void close(boolean unmapRing) {
        if (closed) {
            return;
        }
        closed = true;
        for (MemorySegment l : links) {
            call(() -> (int) lib.linkDestroy.invokeExact(l));
        }
        links.clear();
        if (ring != null && unmapRing) {
            ring.close();
        }
        call(() -> {
            lib.objectClose.invokeExact(object);
            return 0;
        });
        arena.close();
    }

    @FunctionalInterface
    private interface NativeCall<T> {
        T run() throws Throwable;
    }

    private static <T> T call(NativeCall<T> c) {
        try {
            return c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
