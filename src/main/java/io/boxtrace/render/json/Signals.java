package io.boxtrace.render.json;

/** Linux x86-64 signal names (asm/signal.h), for human and JSON output. */
public final class Signals {

    private static final String[] NAMES = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    };

    private Signals() {
    }

    /** "SIGKILL" for 9; "SIGRTMIN+3" for real-time signals; "SIG<n>" otherwise. */
    public static String name(int signal) {
        if (signal > 0 && signal < NAMES.length) {
            return NAMES[signal];
        }
        if (signal >= 34 && signal <= 64) {
            return "SIGRTMIN+" + (signal - 34);
        }
        return "SIG" + signal;
    }
}
