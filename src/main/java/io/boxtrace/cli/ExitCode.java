package io.boxtrace.cli;

/** boxtrace's exit codes, named. A traced COMMAND's own exit status is passed through instead. */
public enum ExitCode {
    OK(0),
    RUNTIME_ERROR(1),
    USAGE(2),
    MISSING_PRIVILEGE_OR_FEATURE(3),
    INTERNAL_ERROR(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
