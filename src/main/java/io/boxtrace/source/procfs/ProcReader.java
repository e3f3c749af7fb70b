package io.boxtrace.source.procfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

    public ProcReader(Path root) {
        this.root = root;
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
        return readBytes(dir(pid).resolve("cmdline"), MAX_CMDLINE_BYTES).map(ProcReader::splitNul);
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
        return readString(dir(pid).resolve("stat")).flatMap(ProcStat::parse);
    }

    /** The parsed /proc/PID/status file. */
    public Optional<ProcStatus> status(int pid) {
        return readString(dir(pid).resolve("status")).map(ProcStatus::parse);
    }

    /** The raw text of /proc/PID/NAME. */
    public Optional<String> read(int pid, String name) {
        return readString(dir(pid).resolve(name));
    }

    /** The raw /proc/PID/cgroup text. */
    public Optional<String> cgroup(int pid) {
        return readString(dir(pid).resolve("cgroup"));
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
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            out.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static Optional<byte[]> readBytes(Path p) {
        return readBytes(p, Integer.MAX_VALUE);
    }

    /** At most max bytes of p (a /proc file the traced process controls, read no further). */
    private static Optional<byte[]> readBytes(Path p, int max) {
        try (java.io.InputStream in = Files.newInputStream(p)) {
            return Optional.of(in.readNBytes(max));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> readString(Path p) {
        return readBytes(p).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    private static Optional<String> readLink(Path p) {
        try {
            return Optional.of(Files.readSymbolicLink(p).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
