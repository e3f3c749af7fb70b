package io.boxtrace.internal.ffm;

/** The errno values boxtrace reacts to (asm-generic/errno-base.h, errno.h; x86-64). */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EAFNOSUPPORT = 97;
    public static final int ENOBUFS = 105;
    public static final int ECONNREFUSED = 111;

    private Errno() {
    }

    /** "EPERM (Operation not permitted)" for the common ones, "errno N" otherwise. */
    public static String describe(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM (operation not permitted)";
            case ENOENT -> "ENOENT (no such file or directory)";
            case EINTR -> "EINTR (interrupted)";
            case EAGAIN -> "EAGAIN (try again)";
            case EACCES -> "EACCES (permission denied)";
            case EBUSY -> "EBUSY (busy)";
            case EEXIST -> "EEXIST (already exists)";
            case EINVAL -> "EINVAL (invalid argument)";
            case ENOSYS -> "ENOSYS (not implemented by this kernel)";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT (protocol not supported)";
            case EAFNOSUPPORT -> "EAFNOSUPPORT (address family not supported)";
            case ENOBUFS -> "ENOBUFS (no buffer space)";
            case ECONNREFUSED -> "ECONNREFUSED (connection refused)";
            default -> "errno " + errno;
        };
    }
}
