package io.boxtrace.sink.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens every file boxtrace writes. boxtrace runs as root: in a world-writable sticky directory such
 * as /tmp another user can plant a symbolic link under the name the operator chose, and following
 * it would overwrite the link's target as root. There the file is opened with O_NOFOLLOW (the JDK
 * maps {@link LinkOption#NOFOLLOW_LINKS} to it) and a link is refused in one line, as systemd
 * (fs.protected_symlinks aside) and tcpdump do. Elsewhere a symlink is the operator's own and is
 * followed. Stateless.
 */
public final class OutputFiles {

    private OutputFiles() {
    }

    /** Creates or truncates path for writing, refusing a symbolic link in a sticky world-writable directory. */
    public static OutputStream create(Path path) throws IOException {
        if (stickyWorldWritable(path)) {
            refusePlantedLink(path);
            return Files.newOutputStream(path, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        }
        return Files.newOutputStream(path);
    }

    /** Throws when path is a symbolic link in a sticky world-writable directory (for outputs that are directories). */
    public static void refusePlantedLink(Path path) throws IOException {
        if (stickyWorldWritable(path) && Files.isSymbolicLink(path)) {
            throw new IOException(path + " is a symbolic link in the world-writable sticky directory "
                    + parent(path) + "; refusing to follow it (remove it or choose another name)");
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
