package io.boxtrace.debug;

/**
 * Why a debug session could not start, as one line for the user; the command maps the kind to an
 * exit code (docs/debug.md lists them).
 */
public final class DebugException extends Exception {

    /** What went wrong, from the user's point of view. */
    public enum Kind {
        /** No container of that name or id prefix, running or not. */
        NO_SUCH_CONTAINER,
        /** The id prefix names several containers: the message lists them. */
        AMBIGUOUS,
        /** The container exists but runs no process. */
        NOT_RUNNING,
        /** The --tools image is not a local image, or its layers cannot be used. */
        NO_SUCH_IMAGE,
        /** A capability or kernel feature is missing: the message names it. */
        MISSING_PRIVILEGE,
        /** Anything else at run time (the helper could not be started, ...). */
        RUNTIME
    }

    private final Kind kind;

    public DebugException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
