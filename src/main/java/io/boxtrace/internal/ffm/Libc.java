package io.boxtrace.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls boxtrace makes, bound once through the FFM linker with errno captured right
 * after each call (errno read later from Java would be clobbered by the JVM's own calls).
 *
 * <p>Thread-safe: the handles are immutable; each call passes its own errno capture segment.
 */
public final class Libc {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = bind("socket",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = bind("bind",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle GETSOCKOPT = bind("getsockopt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle SEND = bind("send",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = bind("recv",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOCK_GETTIME = bind("clock_gettime",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle MOUNT = bind("mount",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));

    private Libc() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        MemorySegment addr = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(addr, fd, ERRNO);
    }

    /** A per-call errno capture buffer; allocate one per thread and reuse it. */
    public static MemorySegment newCapture(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    public static int errno(MemorySegment capture) {
        return (int) ERRNO_HANDLE.get(capture, 0L);
    }

    public static int socket(MemorySegment cap, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(cap, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(MemorySegment cap, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(cap, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setsockopt(MemorySegment cap, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(cap, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getsockopt(MemorySegment cap, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(cap, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long send(MemorySegment cap, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) SEND.invokeExact(cap, fd, buf, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recv(MemorySegment cap, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) RECV.invokeExact(cap, fd, buf, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(MemorySegment cap, int fd) {
        try {
            return (int) CLOSE.invokeExact(cap, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int clockGettime(MemorySegment cap, int clock, MemorySegment timespec) {
        try {
            return (int) CLOCK_GETTIME.invokeExact(cap, clock, timespec);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int mount(MemorySegment cap, MemorySegment source, MemorySegment target, MemorySegment fstype,
                            long flags, MemorySegment data) {
        try {
            return (int) MOUNT.invokeExact(cap, source, target, fstype, flags, data);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
