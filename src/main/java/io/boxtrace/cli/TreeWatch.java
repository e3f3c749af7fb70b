package io.boxtrace.cli;

import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.render.console.Style;
import java.io.PrintWriter;

/**
 * {@code tree --watch}: a live session whose only sink redraws the tree when the pipeline goes
 * idle after a change, at most every {@value #MIN_REDRAW_MS} ms, so a fork storm costs one redraw
 * per interval. The table is read on the pipeline thread, its owner. Runs until Ctrl-C.
 */
final class TreeWatch {

    private static final long MIN_REDRAW_MS = 250;
    private final TreeCommand command;
    private final PrintWriter out;
    private final PrintWriter err;

    TreeWatch(TreeCommand command, PrintWriter out, PrintWriter err) {
        this.command = command;
        this.out = out;
        this.err = err;
    }

    int run() {
        Style style = Style.forStdout();
        TraceSession session = TraceSession.open("boxtrace tree", command.sourceOptions, err);
        Components c = session.components();
        session.sink(new Sink() {
            private boolean dirty = true;
            private long last;

            @Override
            public void accept(TracedEvent event) {
                dirty = true;
            }

            @Override
            public void flush() {
                long now = System.currentTimeMillis();
                if (dirty && now - last >= MIN_REDRAW_MS) {
                    String screen = command.render(c.table().live(), c.containers()::containerOf, c.users()::name,
                            c.clock(), style);
                    out.print((style.enabled() ? "\u001b[H\u001b[2J" : "\n") + screen);
                    out.flush();
                    dirty = false;
                    last = now;
                }
            }
        });
        return session.runUntilInterrupted(Long.MAX_VALUE);
    }
}
