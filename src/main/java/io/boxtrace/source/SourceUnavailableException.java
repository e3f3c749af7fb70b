package io.boxtrace.source;

/**
 * A source cannot open because a privilege or kernel feature is missing. The message names it in
 * words a user can act on (for example {@code "needs CAP_NET_ADMIN (run as root)"}).
 */
public class SourceUnavailableException extends Exception {
    public SourceUnavailableException(String message) {
        super(message);
    }

    public SourceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
