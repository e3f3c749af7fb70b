package io.boxtrace.debug;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a debug session and waits for it. This is the one place where boxtrace enters another
 * process's namespaces: the JVM is multi-threaded, and the kernel lets only a single-threaded
 * process join a mount namespace (setns(CLONE_NEWNS) fails with EINVAL otherwise), so the work is
 * done by a small helper process, {@code boxtrace-debug} (C in src/main/c, built into the jar). It
 * is copied to a private temporary directory, started with the user's terminal, and its file is
 * removed as soon as it runs, so nothing is left on disk. See docs/debug.md.
 *
 * <p>One session per instance; {@link #run} blocks until the session ends.
 */
public final class DebugLauncher {

    static final String HELPER_RESOURCE = "/io/boxtrace/debug/boxtrace-debug";
    static final String UNAVAILABLE_RESOURCE = "/io/boxtrace/debug/HELPER-UNAVAILABLE";
    /** The session's directory in its root (keep in sync with SESSION_DIR in src/main/c/helper.h). */
    public static final String SESSION_DIR = "/.boxtrace";

    /**
     * What to start.
     *
     * @param target  the container
     * @param mountAt where its root goes in the session, absolute
     * @param layers  the tools image's layer directories, top first; empty for the host's root
     * @param net     join the container's network namespace
     * @param command COMMAND ARGS, or empty for the user's shell
     */
    public record Request(DebugTarget target, String mountAt, List<Path> layers, boolean net, List<String> command) {
        public Request {
            layers = List.copyOf(layers);
            command = List.copyOf(command);
        }
    }

    /** The helper's argv for a request (the helper's path first). */
    static List<String> argv(Path helper, Request r) {
        List<String> a = new ArrayList<>(List.of(helper.toString(), "--pid", Integer.toString(r.target().pid()),
                "--start", Long.toString(r.target().startTicks()), "--name", r.target().displayName(),
                "--mount-at", r.mountAt()));
        if (!r.net()) {
            a.add("--no-net");
        }
        for (Path l : r.layers()) {
            a.add("--layer");
            a.add(l.toString());
        }
        if (r.command().isEmpty()) {
            a.add("--shell");
        } else {
            a.add("--");
            a.addAll(r.command());
        }
        return a;
    }

    /**
     * Runs the session with this process's stdin/stdout/stderr; returns the helper's exit status.
     * onStart gets the helper's pid as soon as it runs (for passing on signals: the helper passes
     * SIGTERM and SIGHUP on to the session's command and ignores Ctrl-C, which the terminal gives
     * the command itself).
     */
    public int run(Request r, java.util.function.IntConsumer onStart) throws DebugException {
        Path dir = null;
        Path helper = null;
        try {
            dir = Files.createTempDirectory("boxtrace-debug-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            // Named like the session's init so that its comm, boxtrace-debug, is right from the exec.
            helper = dir.resolve("boxtrace-debug");
            extract(helper);
            Process p = start(argv(helper, r));
            onStart.accept((int) p.pid());
            // Running: the kernel holds the program now, the file can go.
            Files.deleteIfExists(helper);
            Files.deleteIfExists(dir);
            return waitFor(p);
        } catch (IOException e) {
            throw new DebugException(DebugException.Kind.RUNTIME, "cannot start the debug helper: " + e.getMessage());
        } finally {
            deleteQuietly(helper);
            deleteQuietly(dir);
        }
    }

    private static void extract(Path to) throws IOException, DebugException {
        try (InputStream in = DebugLauncher.class.getResourceAsStream(HELPER_RESOURCE)) {
            if (in == null) {
                String why = "not built";
                try (InputStream u = DebugLauncher.class.getResourceAsStream(UNAVAILABLE_RESOURCE)) {
                    if (u != null) {
                        why = new String(u.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
                    }
                }
                throw new DebugException(DebugException.Kind.MISSING_PRIVILEGE, "the debug helper is missing from "
                        + "boxtrace's build (" + why + ")");
            }
            Files.copy(in, to);
        }
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
    }

    /** Starts the helper; retries a file still open for writing in a process another thread forked meanwhile. */
    private static Process start(List<String> argv) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return new ProcessBuilder(argv).inheritIO().start();
            } catch (IOException e) {
                if (attempt >= 5 || !String.valueOf(e.getMessage()).contains("Text file busy")) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Waits for the session; the caller's signal handling (forwarding to the helper) keeps the JVM alive. */
    private static int waitFor(Process p) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return p.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true; // the session decides when it ends
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a private temporary directory; nothing else refers to it
            }
        }
    }
}
