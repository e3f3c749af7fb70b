package io.boxtrace.internal.ffm;

/** A libc call failed; carries the errno so callers can turn it into a message a user can act on. */
public final class NativeException extends Exception {

    private final int errno;
    private final String call;

    public NativeException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public String call() {
        return call;
    }
}
