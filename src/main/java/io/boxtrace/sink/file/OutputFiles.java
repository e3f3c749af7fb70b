package io.boxtrace.sink.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens every file boxtrace writes. boxtrace runs as root: in a world-writable sticky directory such
 * as /tmp another user can plant a symbolic link under the name the operator chose (or under a
 * directory of the path, or inside a {@code .ctf} directory they made), or a file of their own, and
 * root writing through it would overwrite the link's target or hand them the output. So, as the
 * kernel's fs.protected_symlinks and fs.protected_regular do when they are on (they are off on many
 * hosts): in a sticky world-writable directory, a symbolic link anywhere on the path that is not
 * the caller's is refused, the last name is opened with O_NOFOLLOW (the JDK maps
 * {@link LinkOption#NOFOLLOW_LINKS} to it) and any link there is refused, and an existing file or
 * directory owned by someone else is refused, each in one line. Elsewhere a symlink is the
 * operator's own and is followed. Stateless.
 */
public final class OutputFiles {

    private OutputFiles() {
    }

    /** Creates or truncates path for writing, refusing what another user planted on its way (see the class comment). */
    public static CountedOutput create(Path path) throws IOException {
        return new CountedOutput(open(path, StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** What writes one whole document into an output. */
    public interface Body {
        void to(OutputStream out) throws IOException;
    }

    /**
     * Writes one whole document (a JSON report, a page, a trace) to path. When a write or the close
     * fails (a full disk) the cut file is removed rather than left to pass for a report; a device
     * ({@code /dev/stdout}, {@code /dev/full}) is never removed.
     */
    public static void writeWhole(Path path, Body body) throws IOException {
        OutputStream out = new java.io.BufferedOutputStream(create(path), 1 << 16);
        try {
            body.to(out);
            out.close();
        } catch (IOException | RuntimeException e) {
            try {
                out.close();
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(path);
            }
            throw e;
        }
    }

    /** Opens path for appending (created if absent), with the same refusals as {@link #create}. */
    public static OutputStream append(Path path) throws IOException {
        return open(path, StandardOpenOption.APPEND);
    }

    private static OutputStream open(Path path, StandardOpenOption mode) throws IOException {
        refusePlantedLink(path);
        if (stickyWorldWritable(path)) {
            return Files.newOutputStream(path, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.CREATE, mode,
                    StandardOpenOption.WRITE);
        }
        return Files.newOutputStream(path, StandardOpenOption.CREATE, mode, StandardOpenOption.WRITE);
    }

    /**
     * Creates or truncates the file name inside dir, a directory boxtrace writes (a {@code .ctf}
     * trace): never through a symbolic link, whoever made it, since nothing boxtrace writes there is one.
     */
    public static FileChannel createInside(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (Files.isSymbolicLink(file)) {
            throw new IOException(file + " is a symbolic link; refusing to write through it (remove it or choose another name)");
        }
        return FileChannel.open(file, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Throws when something on path was planted by another user in a sticky world-writable directory:
     * a symbolic link that is not the caller's on the way to it, a symbolic link as its last name, or
     * an existing file or directory of someone else's as its last name (also for outputs that are directories).
     */
    public static void refusePlantedLink(Path path) throws IOException {
        Path abs = path.toAbsolutePath().normalize();
        int uid = callerUid();
        Path at = abs.getRoot();
        for (int i = 0; i < abs.getNameCount(); i++) {
            Path next = at.resolve(abs.getName(i));
            boolean last = i == abs.getNameCount() - 1;
            if (stickyWorldWritable(next) && Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                boolean link = Files.isSymbolicLink(next);
                int owner = owner(next);
                if (link && (last || owner != uid)) {
                    throw new IOException(next + " is a symbolic link" + (last ? "" : " of another user's")
                            + " in the world-writable sticky directory " + at + "; refusing to follow it (remove it or choose another name)");
                }
                if (last && owner != uid && owner != owner(at)) {
                    throw new IOException(next + " belongs to another user in the world-writable sticky directory " + at
                            + "; refusing to write into it (remove it or choose another name)");
                }
            }
            if (last || !Files.exists(next)) {
                break; // a directory still to be made: nobody planted anything below it
            }
            at = next.toRealPath(); // the directory the next name is looked up in, links resolved (and now trusted)
        }
    }

    /** True when path's directory is writable by everyone and sticky (mode 1777, like /tmp). */
    static boolean stickyWorldWritable(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(parent(path), "unix:mode");
            return (mode & 01002) == 01002;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static int owner(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    /** The effective uid of this process: the owner of what it creates, as /proc/self shows it. */
    private static int callerUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static Path parent(Path path) {
        Path p = path.toAbsolutePath().getParent();
        return p == null ? path.toAbsolutePath().getRoot() : p;
    }

    /** Why an output could not be written, as the end of a one-line message (the JDK often gives only the path). */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it exists and is not a directory";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
