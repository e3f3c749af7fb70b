package io.boxtrace.sink.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.render.json.EventJson;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.pipeline.Sink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code trace --json}: one object per line (docs/json-events.md), flushed whenever the pipeline is
 * idle so a reader of a pipe sees events promptly without a syscall per event under load. At the
 * end a final {@code {"type":"summary",...}} line carries the run's counters. Writes UTF-8 bytes
 * straight from Jackson's byte generator: the Writer path encoded every character a second time.
 */
public final class JsonLinesSink implements Sink {

    private final OutputStream out;
    private final EventJson json;
    private final boolean closeOut;
    /** One generator for the whole run: a generator per event costs buffers and a flush each. */
    private final JsonGenerator generator;

    public JsonLinesSink(OutputStream out, EventJson json, boolean closeOut) throws IOException {
        this.out = out;
        this.json = json;
        this.closeOut = closeOut;
        this.generator = EventJson.generator(out);
    }

    @Override
    public void accept(TracedEvent event) throws IOException {
        json.write(event, generator);
        generator.writeRaw('\n');
    }

    @Override
    public void flush() throws IOException {
        generator.flush();
        out.flush();
    }

    @Override
    public void end(PipelineStats s) throws IOException {
        generator.flush();
        out.write(("{\"type\":\"summary\",\"events\":" + s.events() + ",\"lost\":" + s.lost()
                + ",\"argv_missed\":" + s.argvMissed() + ",\"heals\":" + s.heals()
                + ",\"sink_errors\":" + s.sinkErrors() + "}\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        generator.flush();
        if (closeOut) {
            out.close();
        } else {
            out.flush();
        }
    }
}
