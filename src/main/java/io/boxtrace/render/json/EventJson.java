package io.boxtrace.render.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.boxtrace.event.Clock;
import io.boxtrace.event.CommEvent;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.IdChangeEvent;
import io.boxtrace.event.LostEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.recording.ResourceJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/**
 * Writes one {@link TracedEvent} as one JSON object with the stable field names documented in
 * docs/json-events.md (README "JSON output"). Fields that do not apply are left out; {@code container}
 * is written as null on the host. Streams through Jackson's generator: no tree per event.
 *
 * <p>Not thread-safe: one instance per writer thread.
 */
public final class EventJson {

    private static final JsonFactory FACTORY = JsonOutput.FACTORY;
    // Names of the fields every event has, quoted and encoded once instead of per event.
    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString TIME = new SerializedString("time");
    private static final SerializableString MONO_NS = new SerializedString("mono_ns");
    private static final SerializableString PID = new SerializedString("pid");
    private static final SerializableString TID = new SerializedString("tid");
    private static final SerializableString PPID = new SerializedString("ppid");
    private static final SerializableString COMM = new SerializedString("comm");
    private static final SerializableString UID = new SerializedString("uid");
    private static final SerializableString NSPID = new SerializedString("nspid");
    private static final SerializableString START_NS = new SerializedString("start_ns");
    private static final SerializableString CONTAINER = new SerializedString("container");
    private final Clock clock;
    private final TimeFormat time = new TimeFormat();
    private final char[] msText = new char[32];
    /** The JSON names of ExecEvent.ArgvSource, made once (lower-casing per event made two objects). */
    private static final String[] ARGS_SOURCE = java.util.Arrays.stream(ExecEvent.ArgvSource.values())
            .map(v -> v.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    public EventJson(Clock clock) {
        this.clock = clock;
    }

    /** The event as one line of JSON, without the newline. */
    public String toJson(TracedEvent t) {
        StringWriter w = new StringWriter(256);
        try {
            write(t, w);
        } catch (IOException e) {
            throw new IllegalStateException("StringWriter cannot fail", e);
        }
        return w.toString();
    }

    /** Writes the object (no newline) to out. */
    public void write(TracedEvent t, Writer out) throws IOException {
        try (JsonGenerator g = generator(out)) {
            write(t, g);
        }
    }

    /**
     * A generator for many events in a row, with {@link #write(TracedEvent, JsonGenerator)}: it
     * neither closes nor flushes out (closing a generator per event flushed the writer, one write(2)
     * per event: the largest single cost of {@code trace --json} in the exec-storm profile), and puts
     * nothing between root values (the caller writes the newlines).
     */
    public static JsonGenerator generator(Writer out) throws IOException {
        return forManyEvents(FACTORY.createGenerator(out));
    }

    /**
     * The same for UTF-8 bytes (Jackson's byte generator: no second encoding through a Writer).
     * Characters outside the BMP are written as their four UTF-8 bytes, as the Writer path wrote
     * them, not as two {@code \\u} escapes.
     */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8.mappedFeature());
        return forManyEvents(g);
    }

    private static JsonGenerator forManyEvents(JsonGenerator g) {
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        g.setRootValueSeparator(null);
        return g;
    }

    /** Writes the object (no newline) through g. */
    public void write(TracedEvent t, JsonGenerator g) throws IOException {
        Event e = t.event();
        g.writeStartObject();
        g.writeFieldName(TYPE);
        g.writeString(e.type());
        g.writeFieldName(TIME);
        int length = time.rfc3339Chars(clock.toEpochNs(e.timeNs()));
        g.writeString(time.chars(), 0, length);
        g.writeFieldName(MONO_NS);
        g.writeNumber(e.timeNs());
        switch (e) {
            case ForkEvent f -> writeFork(g, t, f);
            case ExecEvent x -> writeExec(g, t, x);
            case ExitEvent x -> writeExit(g, t, x);
            case CommEvent c -> {
                writeProcess(g, t, c.task());
                g.writeStringField("comm", c.comm());
            }
            case IdChangeEvent id -> {
                writeProcess(g, t, id.task());
                g.writeStringField("kind", id.kind().name().toLowerCase(Locale.ROOT));
                g.writeNumberField("real", id.realId());
                g.writeNumberField("effective", id.effectiveId());
            }
            case NamespaceEvent n -> writeNamespace(g, t, n);
            case SnapshotEvent s -> writeSnapshot(g, t, s);
            case LostEvent l -> {
                g.writeStringField("source", l.source());
                g.writeNumberField("count", l.count());
                g.writeStringField("reason", l.reason());
            }
            case ContainerEvent c -> {
                g.writeFieldName("container");
                writeContainer(g, c.container());
            }
        }
        g.writeEndObject();
    }

    private void writeFork(JsonGenerator g, TracedEvent t, ForkEvent f) throws IOException {
        Task child = new Task(f.childPid(), f.childTid(), f.parent().pid(), f.parent().uid(),
                f.parent().comm(), f.parent().cgroupId(), f.parent().pidNs(), childNsPid(f));
        writeProcess(g, t, child);
        g.writeNumberField("parent_pid", f.parent().pid());
        g.writeNumberField("parent_tid", f.parent().tid());
        g.writeBooleanField("thread", f.isThread());
        if (f.cloneFlags() != 0) {
            g.writeNumberField("clone_flags", f.cloneFlags());
            List<Namespace> created = Namespace.fromCloneFlags(f.cloneFlags());
            if (!created.isEmpty()) {
                writeNamespaces(g, created);
            }
        }
    }

    /**
     * The child's pid in its innermost pid namespace, derived from the fork alone: 1 when the clone
     * created a pid namespace (the child is its init); the child's pid when the parent's nspid equals
     * its pid (host pid namespace, where the two agree); otherwise unknown here, and
     * {@link #writeProcess} falls back to the resolved process record. An earlier
     * {@code unshare(CLONE_NEWPID)} by the parent is invisible in the fork event, so its first
     * child is the one case this cannot tell.
     */
    static int childNsPid(ForkEvent f) {
        if (f.isThread()) {
            return f.parent().nsPid() == f.parent().pid() ? f.childTid() : Task.UNKNOWN;
        }
        if ((f.cloneFlags() & Namespace.PID.cloneFlag()) != 0) {
            return 1;
        }
        return f.parent().nsPid() != Task.UNKNOWN && f.parent().nsPid() == f.parent().pid()
                ? f.childPid() : Task.UNKNOWN;
    }

    private void writeExec(JsonGenerator g, TracedEvent t, ExecEvent x) throws IOException {
        writeProcess(g, t, x.task());
        if (x.filename() != null) {
            g.writeStringField("filename", x.filename());
        }
        g.writeArrayFieldStart("args");
        for (String a : x.args()) {
            g.writeString(a);
        }
        g.writeEndArray();
        g.writeBooleanField("args_truncated", x.argsTruncated());
        g.writeStringField("args_source", ARGS_SOURCE[x.detail().ordinal()]);
        if (x.cwd() != null) {
            g.writeStringField("cwd", x.cwd());
        }
        if (x.failed()) {
            g.writeNumberField("errno", x.errno());
        }
        if (t.process() != null && t.process().exe() != null) {
            g.writeStringField("exe", t.process().exe());
        }
    }

    private void writeExit(JsonGenerator g, TracedEvent t, ExitEvent x) throws IOException {
        writeProcess(g, t, x.task());
        if (x.killedBySignal()) {
            g.writeNumberField("signal", x.signal());
            g.writeStringField("signal_name", Signals.name(x.signal()));
            g.writeBooleanField("core_dumped", x.coreDumped());
        } else if (x.exitCode() != Task.UNKNOWN) { // /proc polling never learns the code: omitted, not -1
            g.writeNumberField("exit_code", x.exitCode());
        }
        if (x.task().isThread()) {
            g.writeBooleanField("thread", true);
        }
        ProcessInfo p = t.process();
        if (p != null && p.startNs() > 0 && x.timeNs() >= p.startNs()) {
            g.writeFieldName("duration_ms");
            g.writeNumber(msText, 0, ResourceJson.msChars(x.timeNs() - p.startNs(), msText));
        }
        ResourceJson.write(g, x.resources());
    }

    private void writeNamespace(JsonGenerator g, TracedEvent t, NamespaceEvent n) throws IOException {
        writeProcess(g, t, n.task());
        g.writeStringField("op", n.op().jsonName());
        writeNamespaces(g, n.namespaces());
        if (n.path() != null) {
            g.writeStringField("path", n.path());
        }
        if (n.path2() != null) {
            g.writeStringField("path2", n.path2());
        }
        if (n.inode() != 0) {
            g.writeNumberField("inode", n.inode());
        }
        if (n.flags() != 0) {
            g.writeNumberField("flags", n.flags());
        }
        g.writeNumberField("result", n.result());
    }

    private void writeSnapshot(JsonGenerator g, TracedEvent t, SnapshotEvent s) throws IOException {
        ProcessInfo p = s.process();
        writeProcess(g, t, new Task(p.pid(), p.pid(), p.ppid(), p.uid(), p.comm(), p.cgroupId(), p.pidNamespace(),
                p.innermostPid()));
        if (p.exe() != null) {
            g.writeStringField("exe", p.exe());
        }
        g.writeArrayFieldStart("args");
        for (String a : p.args()) {
            g.writeString(a);
        }
        g.writeEndArray();
        if (p.cwd() != null) {
            g.writeStringField("cwd", p.cwd());
        }
        if (p.cgroup() != null) {
            g.writeStringField("cgroup", p.cgroup());
        }
        g.writeArrayFieldStart("nspids");
        for (int n : p.nsPids()) {
            g.writeNumber(n);
        }
        g.writeEndArray();
        g.writeBooleanField("kernel_thread", p.kernelThread());
    }

    /** pid, tid, ppid, comm, uid, nspid, start_ns, container: from the resolved process, else the event's task. */
    private void writeProcess(JsonGenerator g, TracedEvent t, Task task) throws IOException {
        ProcessInfo p = t.process();
        g.writeFieldName(PID);
        g.writeNumber(task.pid());
        g.writeFieldName(TID);
        g.writeNumber(task.tid());
        int ppid = task.ppid() != Task.UNKNOWN ? task.ppid() : p != null ? p.ppid() : Task.UNKNOWN;
        if (ppid != Task.UNKNOWN) {
            g.writeFieldName(PPID);
            g.writeNumber(ppid);
        }
        String comm = task.comm() != null ? task.comm() : p != null ? p.comm() : null;
        if (comm != null) {
            g.writeFieldName(COMM);
            g.writeString(comm);
        }
        int uid = task.uid() != Task.UNKNOWN ? task.uid() : p != null ? p.uid() : Task.UNKNOWN;
        if (uid != Task.UNKNOWN) {
            g.writeFieldName(UID);
            g.writeNumber(uid);
        }
        int nspid = task.nsPid() != Task.UNKNOWN ? task.nsPid() : p != null && !p.nsPids().isEmpty()
                ? p.innermostPid() : Task.UNKNOWN;
        if (nspid != Task.UNKNOWN) {
            g.writeFieldName(NSPID);
            g.writeNumber(nspid);
        }
        if (p != null && p.pid() == task.pid() && p.startNs() > 0) {
            g.writeFieldName(START_NS);
            g.writeNumber(p.startNs());
        }
        g.writeFieldName(CONTAINER);
        writeContainer(g, t.container());
    }

    private static void writeNamespaces(JsonGenerator g, List<Namespace> namespaces) throws IOException {
        g.writeArrayFieldStart("namespaces");
        for (Namespace ns : namespaces) {
            g.writeString(ns.procName());
        }
        g.writeEndArray();
    }

    static void writeContainer(JsonGenerator g, ContainerInfo c) throws IOException {
        if (c == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("id", c.id());
        if (c.name() != null) {
            g.writeStringField("name", c.name());
        }
        if (c.image() != null) {
            g.writeStringField("image", c.image());
        }
        g.writeStringField("runtime", c.runtime());
        if (!c.labels().isEmpty()) {
            g.writeObjectFieldStart("labels");
            for (var en : new java.util.TreeMap<>(c.labels()).entrySet()) {
                g.writeStringField(en.getKey(), en.getValue());
            }
            g.writeEndObject();
        }
        if (c.parent() != null) {
            g.writeFieldName("parent_container");
            writeContainer(g, c.parent());
        }
        g.writeEndObject();
    }
}
