package io.boxtrace.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes sure tracefs is mounted: libbpf looks syscall tracepoints up by id under
 * /sys/kernel/tracing (or debugfs's tracing/), and some hosts boot without either mounted.
 */
public final class Tracefs {

    private static final Path TRACING = Path.of("/sys/kernel/tracing");

    private Tracefs() {
    }

    /** Mounts tracefs at /sys/kernel/tracing when neither it nor debugfs's copy is there. */
    public static void ensureMounted() throws NativeException {
        if (Files.isDirectory(TRACING.resolve("events")) || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events"))) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(a);
            int rc = Libc.mount(cap, a.allocateFrom("tracefs"), a.allocateFrom(TRACING.toString()),
                    a.allocateFrom("tracefs"), 0L, MemorySegment.NULL);
            if (rc != 0) {
                throw new NativeException("mount tracefs on " + TRACING, Libc.errno(cap));
            }
        }
    }
}
