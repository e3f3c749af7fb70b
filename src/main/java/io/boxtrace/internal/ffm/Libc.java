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
 * after each call (errno read later from Java would be clobbered by the JVM's own calls). Each is bound
 * on its first use (a holder class per call): binding spins a stub class and method handles, and
 * binding all of them at once was a tenth of a second of {@code tree}'s start, which needs few.
 *
 * <p>Thread-safe: the handles are immutable; each call passes its own errno capture segment.
 */
public final class Libc {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));


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
            return (int) Socket.H.invokeExact(cap, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(MemorySegment cap, int fd, MemorySegment addr, int len) {
        try {
            return (int) Bind.H.invokeExact(cap, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setsockopt(MemorySegment cap, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) Setsockopt.H.invokeExact(cap, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getsockopt(MemorySegment cap, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) Getsockopt.H.invokeExact(cap, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long send(MemorySegment cap, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) Send.H.invokeExact(cap, fd, buf, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recv(MemorySegment cap, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) Recv.H.invokeExact(cap, fd, buf, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(MemorySegment cap, int fd) {
        try {
            return (int) Close.H.invokeExact(cap, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int clockGettime(MemorySegment cap, int clock, MemorySegment timespec) {
        try {
            return (int) ClockGettime.H.invokeExact(cap, clock, timespec);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int mount(MemorySegment cap, MemorySegment source, MemorySegment target, MemorySegment fstype,
                            long flags, MemorySegment data) {
        try {
            return (int) Mount.H.invokeExact(cap, source, target, fstype, flags, data);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment mmap(MemorySegment cap, MemorySegment addr, long length, int prot, int flags, int fd,
                                     long offset) {
        try {
            return (MemorySegment) Mmap.H.invokeExact(cap, addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int munmap(MemorySegment cap, MemorySegment addr, long length) {
        try {
            return (int) Munmap.H.invokeExact(cap, addr, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int poll(MemorySegment cap, MemorySegment fds, long nfds, int timeoutMs) {
        try {
            return (int) Poll.H.invokeExact(cap, fds, nfds, timeoutMs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** eventfd(2): a counter fd that poll(2) reports readable once written; for waking a poller. */
    public static int eventfd(MemorySegment cap, int initval, int flags) {
        try {
            return (int) EventFd.H.invokeExact(cap, initval, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(MemorySegment cap, int fd, MemorySegment buf, long len) {
        try {
            return (long) Write.H.invokeExact(cap, fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int pageSize(MemorySegment cap) {
        try {
            return (int) GetPageSize.H.invokeExact(cap);
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

    private static final class Socket {
        static final MethodHandle H = bind("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Bind {
        static final MethodHandle H = bind("bind", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    }

    private static final class Setsockopt {
        static final MethodHandle H = bind("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    }

    private static final class Getsockopt {
        static final MethodHandle H = bind("getsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    }

    private static final class Send {
        static final MethodHandle H = bind("send", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    private static final class Recv {
        static final MethodHandle H = bind("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    private static final class Close {
        static final MethodHandle H = bind("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class ClockGettime {
        static final MethodHandle H = bind("clock_gettime", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    private static final class Mount {
        static final MethodHandle H = bind("mount", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    }

    private static final class Mmap {
        static final MethodHandle H = bind("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    }

    private static final class Munmap {
        static final MethodHandle H = bind("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    }

    private static final class Poll {
        static final MethodHandle H = bind("poll", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    private static final class EventFd {
        static final MethodHandle H = bind("eventfd", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Write {
        static final MethodHandle H = bind("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    }

    private static final class GetPageSize {
        static final MethodHandle H = bind("getpagesize", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    }
}
