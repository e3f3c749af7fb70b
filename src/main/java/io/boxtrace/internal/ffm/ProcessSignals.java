package io.boxtrace.internal.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * kill(2), for passing a signal on to a child as a shell does. The JDK can send only SIGTERM and
 * SIGKILL (ProcessHandle.destroy/destroyForcibly), and starting {@code kill(1)} would put a process
 * of boxtrace's own into the trace. Stateless and thread-safe.
 */
public final class ProcessSignals {

    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(() -> new UnsatisfiedLinkError("libc has no kill")),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private ProcessSignals() {
    }

    /** Sends sig to pid; false when it could not (the process is gone, or not ours to signal). */
    public static boolean send(int pid, int sig) {
        if (pid <= 0) {
            return false; // never a process group or every process
        }
        try {
            return (int) KILL.invokeExact(pid, sig) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
