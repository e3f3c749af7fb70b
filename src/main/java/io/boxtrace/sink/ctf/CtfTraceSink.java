package io.boxtrace.sink.ctf;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.PipelineStats;
import io.boxtrace.pipeline.Sink;
import io.boxtrace.recording.RecordingHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * A CTF 1.8 trace directory laid out as an LTTng kernel trace ({@code metadata} plus one stream
 * file, {@code channel0_0}), readable by babeltrace2 and opened by Trace Compass as a Linux kernel
 * trace. What maps onto LTTng's kernel events is written: forks (threads too, as the kernel's
 * tracepoint does) as {@code sched_process_fork}, successful execs as {@code sched_process_exec},
 * exits as {@code sched_process_exit}, the start-up snapshot as
 * {@code lttng_statedump_process_state}; lost events raise the packets' discarded-event counter.
 * Failed execs, renames, id changes, namespace and container events have no LTTng kernel
 * counterpart and are not written (the .jsonl recording keeps them).
 *
 * <p>Not thread-safe: owned by the pipeline thread. Streams: packets reach the file at every
 * {@link #flush}.
 */
public final class CtfTraceSink implements Sink {

    /** LTTng's prio field is task prio minus MAX_RT_PRIO: 20 for a nice-0 task. */
    private static final int DEFAULT_PRIO = 20;

    private final Path dir;
    private final RecordingHeader header;
    private FileChannel file;
    private CtfStreamWriter stream;

    public CtfTraceSink(Path dir, RecordingHeader header, LongSupplier endMonoNs) {
        this.dir = dir;
        this.header = header;
    }

    /** True when this sink made the directory, so a failed write removes it rather than leave half a trace. */
    private boolean created;
    private boolean failed;

    @Override
    public void begin() throws IOException {
        try {
            io.boxtrace.sink.file.OutputFiles.refusePlantedLink(dir);
            created = !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.createDirectories(dir);
            start();
        } catch (IOException | RuntimeException e) {
            failed = true;
            close();
            throw e;
        }
    }

    private void start() throws IOException {
        // Derived from the recording, so converting the same recording twice gives the same trace.
        UUID uuid = UUID.nameUUIDFromBytes((header.hostname() + "/" + header.startMonoNs() + "/"
                + header.wallMinusMonoNs()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // Never through a link: a directory someone else made in /tmp may hold links named like these.
        try (FileChannel metadata = io.boxtrace.sink.file.OutputFiles.createInside(dir, "metadata")) {
            ByteBuffer text = java.nio.charset.StandardCharsets.UTF_8.encode(CtfMetadata.tsdl(header, uuid));
            while (text.hasRemaining()) {
                metadata.write(text);
            }
        }
        file = io.boxtrace.sink.file.OutputFiles.createInside(dir, "channel0_0");
        stream = new CtfStreamWriter(file, uuid);
    }

    @Override
    public void accept(TracedEvent t) throws IOException {
        try {
            write(t);
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private void write(TracedEvent t) throws IOException {
        switch (t.event()) {
            case ForkEvent f -> {
                ProcessInfo parent = t.parent();
                String parentComm = f.parent().comm() != null ? f.parent().comm() : parent != null ? parent.comm() : null;
                String childComm = t.process() != null && t.process().pid() == f.childPid() ? t.process().comm() : parentComm;
                ByteBuffer b = stream.event(CtfMetadata.FORK, f.timeNs());
                CtfStreamWriter.putComm(b, parentComm);
                b.putInt(f.parent().tid()).putInt(f.parent().pid()).putInt((int) f.parent().pidNs());
                CtfStreamWriter.putComm(b, childComm);
                b.putInt(f.childTid()).putInt(f.childPid()).putInt((int) f.parent().pidNs());
            }
            case ExecEvent x -> {
                if (!x.failed()) {
                    ByteBuffer b = stream.event(CtfMetadata.EXEC, x.timeNs());
                    CtfStreamWriter.putString(b, x.filename());
                    b.putInt(x.task().tid()).putInt(x.task().tid());
                }
            }
            case ExitEvent x -> {
                ByteBuffer b = stream.event(CtfMetadata.EXIT, x.timeNs());
                String comm = x.task().comm() != null ? x.task().comm() : t.process() != null ? t.process().comm() : null;
                CtfStreamWriter.putComm(b, comm);
                b.putInt(x.task().tid()).putInt(DEFAULT_PRIO);
            }
            case SnapshotEvent s -> {
                ProcessInfo p = s.process();
                ByteBuffer b = stream.event(CtfMetadata.STATEDUMP, s.timeNs());
                b.putInt(p.pid()).putInt(p.innermostPid()).putInt(p.pid()).putInt(p.innermostPid()).putInt(p.ppid())
                        .putInt(p.nsPids().size() > 1 ? 0 : p.ppid());
                CtfStreamWriter.putComm(b, p.comm());
                // type: 1 kernel thread, 0 user; mode 1 user mode; status 5 WAIT (lttng statedump enums)
                b.putInt(p.kernelThread() ? 1 : 0).putInt(1).putInt(0).putInt(5).putInt(0);
            }
            case LostEvent l -> stream.discarded(l.count());
            default -> {
                // no LTTng kernel event for this one; see the class comment
            }
        }
    }

    /** Events written so far (for tests and the summary). */
    public long eventsWritten() {
        return stream == null ? 0 : stream.eventsWritten();
    }


    @Override
    public void flush() throws IOException {
        stream.flushPacket();
    }

    @Override
    public void end(PipelineStats stats) throws IOException {
        try {
            stream.flushPacket();
            file.force(false);
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (file != null) {
                if (stream != null && !failed) {
                    stream.flushPacket();
                }
                file.close();
                file = null;
            }
        } finally {
            if (failed && created) {
                removeTree(dir);
            }
        }
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
