package io.boxtrace.sink.json;

import io.boxtrace.render.json.EventJson;

import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.pipeline.Sink;
import java.io.IOException;
import java.io.Writer;

/**
 * {@code trace --json}: one object per line (docs/json-events.md), flushed whenever the pipeline is
 * idle so a reader of a pipe sees events promptly without a syscall per event under load. At the
 * end a final {@code {"type":"summary",...}} line carries the run's counters.
 */
public final class JsonLinesSink implements Sink {

    private final Writer out;
    private final EventJson json;
    private final boolean closeOut;

    public JsonLinesSink(Writer out, EventJson json, boolean closeOut) {
        this.out = out;
        this.json = json;
        this.closeOut = closeOut;
    }

    @Override
    public void accept(TracedEvent event) throws IOException {
        json.write(event, out);
        out.write('\n');
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void end(PipelineStats s) throws IOException {
        out.write("{\"type\":\"summary\",\"events\":" + s.events() + ",\"lost\":" + s.lost()
                + ",\"argv_missed\":" + s.argvMissed() + ",\"heals\":" + s.heals()
                + ",\"sink_errors\":" + s.sinkErrors() + "}\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closeOut) {
            out.close();
        } else {
            out.flush();
        }
    }
}
