package io.boxtrace.internal.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * glibc's {@code malloc_trim(0)}: gives the pages of freed malloc memory back to the kernel. Called
 * once after a large native allocation is released (libbpf's parse of the kernel BTF at load), which
 * would otherwise stay in boxtrace's RSS. A no-op where the C library has no malloc_trim (musl).
 *
 * <p>Thread-safe.
 */
public final class MallocTrim {

    private static final MethodHandle TRIM = Linker.nativeLinker().defaultLookup().find("malloc_trim")
            .map(a -> Linker.nativeLinker().downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)))
            .orElse(null);

    private MallocTrim() {
    }

    public static void trim() {
        if (TRIM == null) {
            return;
        }
        try {
            int ignored = (int) TRIM.invokeExact(0L);
        } catch (Throwable t) {
            // best effort: memory stays allocated, nothing else changes
        }
    }
}
