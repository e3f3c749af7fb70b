package io.boxtrace.source.procfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads single facts about a process from a /proc tree. The root is configurable so that parsing
 * is tested on fixture trees. Every method returns empty (never throws) when the process is gone
 * or the file is unreadable: a process may exit between any two reads, and that is normal.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProcReader {

    private final Path root;

    private final String rootName;

    public ProcReader(Path root) {
        this.root = root;
        String r = root.toString();
        this.rootName = r.endsWith("/") ? r : r + "/";
    }

    public static ProcReader system() {
        return new ProcReader(Path.of("/proc"));
    }

    public Path root() {
        return root;
    }

    public Path dir(int pid) {
        return root.resolve(Integer.toString(pid));
    }

    /** The NUL-separated argument vector; empty list for kernel threads and zombies. */
    public Optional<List<String>> cmdline(int pid) {
        Buffer b = read(file(pid, "cmdline"), MAX_CMDLINE_BYTES);
        if (b == null) {
            return Optional.empty();
        }
        List<String> out = splitNul(b.bytes, b.length);
        b.shrink();
        return Optional.of(out);
    }

    /** /proc/PID/NAME as a string, without the Path objects resolve() makes (a scan names tens of thousands). */
    private String file(int pid, String name) {
        return rootName + pid + "/" + name;
    }

    /**
     * Most bytes of a command line read from /proc, as many as the kernel-side sources capture at most
     * (16383, README "Sources"): a process chooses its argv (up to 6 MiB with a large stack limit), and
     * forty such processes in a container made {@code tree} run out of memory.
     */
    public static final int MAX_CMDLINE_BYTES = 16_384;

    /** The executable's path (the target of /proc/PID/exe), without a {@code " (deleted)"} suffix. */
    public Optional<String> exe(int pid) {
        return readLink(dir(pid).resolve("exe")).map(s -> s.endsWith(" (deleted)") ? s.substring(0, s.length() - 10) : s);
    }

    public Optional<String> cwd(int pid) {
        return readLink(dir(pid).resolve("cwd"));
    }

    /** The parsed /proc/PID/stat line. */
    public Optional<ProcStat> stat(int pid) {
        return readString(file(pid, "stat")).flatMap(ProcStat::parse);
    }

    /** The parsed /proc/PID/status file. */
    public Optional<ProcStatus> status(int pid) {
        return readString(file(pid, "status")).map(ProcStatus::parse);
    }

    /** The raw text of /proc/PID/NAME. */
    public Optional<String> read(int pid, String name) {
        return readString(file(pid, name));
    }

    /** The raw /proc/PID/cgroup text. */
    public Optional<String> cgroup(int pid) {
        return readString(file(pid, "cgroup"));
    }

    /** The inode of /proc/PID/ns/NAME, parsed from the link text {@code "pid:[4026531836]"}. */
    public Optional<Long> namespaceInode(int pid, String name) {
        return readLink(dir(pid).resolve("ns").resolve(name)).flatMap(ProcReader::parseNsLink);
    }

    /** Every numeric entry of the root: the pids alive at the time of the listing. */
    public List<Integer> pids() {
        List<Integer> out = new ArrayList<>();
        try (var dirs = Files.newDirectoryStream(root)) {
            for (Path p : dirs) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    out.add(Integer.parseInt(name));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    /** Thread ids of a process (its /proc/PID/task entries). */
    public List<Integer> threads(int pid) {
        return new ProcReader(dir(pid).resolve("task")).pids();
    }

    static Optional<Long> parseNsLink(String link) {
        int open = link.indexOf('[');
        int close = link.indexOf(']', open + 1);
        if (open < 0 || close < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(link.substring(open + 1, close)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Splits a NUL-separated buffer; a trailing NUL ends the last entry rather than adding an empty one. */
    static List<String> splitNul(byte[] bytes) {
        return splitNul(bytes, bytes.length);
    }

    private static List<String> splitNul(byte[] bytes, int length) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == 0) {
                out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < length) {
            out.add(new String(bytes, start, length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static Optional<String> readString(String p) {
        Buffer b = read(p, Integer.MAX_VALUE);
        if (b == null) {
            return Optional.empty();
        }
        String out = new String(b.bytes, 0, b.length, StandardCharsets.UTF_8);
        b.shrink();
        return Optional.of(out);
    }

    /** A reused read buffer per thread: /proc files are small, and a scan reads tens of thousands of them. */
    private static final class Buffer {
        static final int SIZE = 4096;
        /** Larger than this (a big file read once), the buffer is not kept for the thread's next read. */
        static final int MAX_KEPT = 64 * 1024;
        byte[] bytes = new byte[SIZE];
        int length;

        void shrink() {
            if (bytes.length > MAX_KEPT) {
                bytes = new byte[SIZE];
            }
        }
    }

    private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

    /**
     * Reads p into this thread's buffer: open, read until end of file (or max bytes), close, and no
     * other system call. NIO's {@code Files.newInputStream(...).readNBytes} also asked the file's size
     * and position (fstat, lseek) for every file, a third more system calls on each /proc read.
     *
     * @return the thread's buffer (valid until this thread's next read), or null when unreadable
     */
    private static Buffer read(String p, int max) {
        Buffer b = BUFFERS.get();
        b.length = 0;
        try (java.io.FileInputStream in = new java.io.FileInputStream(p)) {
            while (b.length < max) {
                if (b.length == b.bytes.length) {
                    b.bytes = java.util.Arrays.copyOf(b.bytes, (int) Math.min(max, 2L * b.bytes.length));
                }
                int n = in.read(b.bytes, b.length, Math.min(max, b.bytes.length) - b.length);
                if (n < 0) {
                    break;
                }
                b.length += n;
            }
            return b;
        } catch (IOException | SecurityException e) {
            return null; // gone (a process may exit between any two reads) or unreadable
        }
    }

    private static Optional<String> readLink(Path p) {
        try {
            return Optional.of(Files.readSymbolicLink(p).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
