package io.boxtrace.internal.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bindings to the system's libbpf ({@code libbpf.so.1}, API 1.x), loaded on first use. libbpf's
 * own messages are captured (not printed) so a failure can quote the verifier's last lines.
 *
 * <p>Thread-safe: handles are immutable; the message buffer is synchronized.
 */
public final class LibBpf {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_HANDLE = Linker.Option.captureStateLayout()
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final int MESSAGES_KEPT = 40;
    private static final Deque<String> MESSAGES = new ArrayDeque<>();
    private static volatile Handles handles;

    private LibBpf() {
    }

    /** The bound functions; created once, when libbpf is first needed. */
    static final class Handles {
        final MethodHandle openMem;
        final MethodHandle load;
        final MethodHandle findMap;
        final MethodHandle mapFd;
        final MethodHandle nextProgram;
        final MethodHandle programName;
        final MethodHandle attach;
        final MethodHandle linkDestroy;
        final MethodHandle objectClose;
        final MethodHandle updateElem;
        final MethodHandle lookupElem;
        final MethodHandle mapMaxEntries;
        final MethodHandle possibleCpus;

        Handles(SymbolLookup lib) {
            openMem = bind(lib, "bpf_object__open_mem", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), true);
            load = bind(lib, "bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
            findMap = bind(lib, "bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), false);
            mapFd = bind(lib, "bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
            nextProgram = bind(lib, "bpf_object__next_program", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), false);
            programName = bind(lib, "bpf_program__name", FunctionDescriptor.of(ADDRESS, ADDRESS), false);
            attach = bind(lib, "bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS), true);
            linkDestroy = bind(lib, "bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
            objectClose = bind(lib, "bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS), false);
            updateElem = bind(lib, "bpf_map_update_elem",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), true);
            lookupElem = bind(lib, "bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), true);
            mapMaxEntries = bind(lib, "bpf_map__max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
            possibleCpus = bind(lib, "libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT), false);
            installPrinter(lib);
        }
    }

    /**
     * The bindings, loading libbpf.so.1 on first call. Throws {@link UnsatisfiedLinkError} with a
     * message naming the package to install when the library is missing.
     */
    static Handles handles() {
        Handles h = handles;
        if (h == null) {
            synchronized (LibBpf.class) {
                h = handles;
                if (h == null) {
                    SymbolLookup lib;
                    try {
                        lib = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
                    } catch (IllegalArgumentException e) {
                        throw new UnsatisfiedLinkError("libbpf.so.1 not found (install the libbpf1 package)");
                    }
                    h = new Handles(lib);
                    handles = h;
                }
            }
        }
        return h;
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd, boolean errno) {
        MemorySegment addr = lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libbpf has no " + name
                + " (needs libbpf 1.x)"));
        return errno ? LINKER.downcallHandle(addr, fd, ERRNO) : LINKER.downcallHandle(addr, fd);
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO_HANDLE.get(capture, 0L);
    }

    static MemorySegment newCapture(Arena arena) {
        return arena.allocate(Linker.Option.captureStateLayout());
    }

    // libbpf_set_print(fn(level, fmt, va_list)): format with vsnprintf and keep the last lines.
    private static MethodHandle vsnprintf;

    private static void installPrinter(SymbolLookup lib) {
        vsnprintf = LINKER.downcallHandle(LINKER.defaultLookup().find("vsnprintf").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(LibBpf.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = LINKER.upcallStub(target, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS),
                    Arena.global());
            MethodHandle setPrint = bind(lib, "libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS), false);
            MemorySegment previous = (MemorySegment) setPrint.invokeExact(stub);
        } catch (Throwable t) {
            // Without the printer libbpf writes to stderr itself; nothing is lost but tidiness.
        }
    }

    @SuppressWarnings("unused") // called from native code
    private static int print(int level, MemorySegment fmt, MemorySegment args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024);
            int n = (int) vsnprintf.invokeExact(buf, 1024L, fmt.reinterpret(4096), args);
            if (n > 0) {
                String line = buf.getString(0).strip();
                synchronized (MESSAGES) {
                    if (MESSAGES.size() == MESSAGES_KEPT) {
                        MESSAGES.removeFirst();
                    }
                    MESSAGES.addLast(line);
                }
            }
        } catch (Throwable t) {
            // An exception must never unwind into native code.
        }
        return 0;
    }

    /** libbpf's last messages (verifier log lines included), oldest first, and forgets them. */
    public static String drainMessages() {
        synchronized (MESSAGES) {
            String s = String.join("\n", MESSAGES);
            MESSAGES.clear();
            return s;
        }
    }
}
