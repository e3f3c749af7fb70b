package io.boxtrace.cli;

/**
 * An error the user should see as one line, {@code boxtrace <command>: <message>}, with a named exit
 * code. Anything else that escapes a command is an internal error (exit 4).
 */
public class BoxtraceException extends RuntimeException {

    private final ExitCode exitCode;

    public BoxtraceException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public BoxtraceException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public static BoxtraceException runtime(String message) {
        return new BoxtraceException(ExitCode.RUNTIME_ERROR, message);
    }

    public static BoxtraceException missing(String message) {
        return new BoxtraceException(ExitCode.MISSING_PRIVILEGE_OR_FEATURE, message);
    }

    public static BoxtraceException usage(String message) {
        return new BoxtraceException(ExitCode.USAGE, message);
    }
}
