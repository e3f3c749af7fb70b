package io.boxtrace.sink.otlp;

import io.boxtrace.render.Escape;
import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The OpenTelemetry SDK reports a failed export through java.util.logging, whose default handler
 * prints a multi-line record with the exception's stack trace on stderr. The agent's stderr is read
 * by people and by journald/kubelet: each such report becomes one line, {@code boxtrace agent: OTLP:
 * <message> (<cause>)}, escaped (the message may quote the collector's answer). The SDK throttles
 * repeats itself (a few a minute while the collector is down).
 */
final class SdkLogLines extends Handler {

    /** java.util.logging holds loggers weakly: keep this one, or its settings vanish with it. */
    private static final Logger SDK = Logger.getLogger("io.opentelemetry");
    private static final SimpleFormatter MESSAGE = new SimpleFormatter();

    private final PrintStream err;
    private final String prefix;

    private SdkLogLines(PrintStream err, String prefix) {
        this.err = err;
        this.prefix = prefix;
    }

    /** Routes the SDK's warnings and errors to err as single lines after prefix; drops its lower levels. */
    static synchronized void install(PrintStream err, String prefix) {
        for (Handler h : SDK.getHandlers()) {
            SDK.removeHandler(h);
        }
        SDK.setUseParentHandlers(false);
        SDK.setLevel(Level.WARNING);
        SDK.addHandler(new SdkLogLines(err, prefix));
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() < Level.WARNING.intValue()) {
            return;
        }
        String message = firstLine(MESSAGE.formatMessage(r));
        // the first exception in the chain that says something, else the outermost (ConnectException)
        Throwable cause = r.getThrown();
        for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null) {
                cause = c;
                break;
            }
        }
        String why = cause == null ? "" : " (" + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage())) + ")";
        err.println(prefix + "OTLP: " + Escape.text(message + why));
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        t = nl < 0 ? t : t.substring(0, nl);
        return t.length() > 500 ? t.substring(0, 500) + "…" : t;
    }

    @Override
    public void flush() {
        err.flush();
    }

    @Override
    public void close() {
    }
}
