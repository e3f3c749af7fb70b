package io.boxtrace.source.recording;

import io.boxtrace.recording.JsonFields;
import io.boxtrace.recording.RecordCodec;

import io.boxtrace.recording.RefCache;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.recording.ResourceJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rebuilds a {@link TracedEvent} from one recording line: event fields from the public
 * {@code trace --json} fields, the raw task, processes and container from {@code "rec"}, with
 * references resolved against the records read before (see {@link RefCache}). Throws
 * {@link IllegalArgumentException} with a short reason for a line it cannot rebuild.
 *
 * <p>Not thread-safe: one per reader, fed the lines in order.
 */
final class EventDecoder {

    private final RefCache<ProcessKey, ProcessInfo> processes = new RefCache<>();
    private final RefCache<String, ContainerInfo> containers = new RefCache<>();

    TracedEvent decode(JsonNode n) {
        String type = n.path("type").asText("");
        JsonNode rec = n.get("rec");
        if (rec == null || !rec.isObject()) {
            throw new IllegalArgumentException("event of type \"" + type + "\" without its \"rec\" object"
                    + " (a trace --json line, not a recording line?)");
        }
        long t = JsonFields.nonNegative(n, "mono_ns");
        ContainerInfo eventContainer = type.startsWith("container_") ? container(rec.get("event_container")) : null;
        ProcessInfo process = process(rec.get("process"));
        ProcessInfo parent = process(rec.get("parent"));
        ContainerInfo container = container(rec.get("container"));
        Event e = switch (type) {
            case "fork" -> new ForkEvent(t, task(rec), JsonFields.i(n, "pid", 0), JsonFields.i(n, "tid", 0),
                    JsonFields.l(n, "clone_flags", 0));
            case "exec" -> new ExecEvent(t, task(rec), RecordCodec.text(n, "filename"), strings(n.path("args")),
                    n.path("args_truncated").asBoolean(), RecordCodec.text(n, "cwd"), JsonFields.i(n, "errno", 0),
                    ExecEvent.ArgvSource.valueOf(n.path("args_source").asText("gone").toUpperCase(Locale.ROOT)));
            case "exit" -> new ExitEvent(t, task(rec),
                    n.has("exit_code") ? JsonFields.i(n, "exit_code", Task.UNKNOWN) : JsonFields.i(rec, "exit_code", Task.UNKNOWN),
                    JsonFields.i(n, "signal", 0), n.path("core_dumped").asBoolean(false), ResourceJson.read(n));
            case "comm" -> new CommEvent(t, task(rec), n.path("comm").asText());
            case "id_change" -> new IdChangeEvent(t, task(rec),
                    IdChangeEvent.Kind.valueOf(n.path("kind").asText().toUpperCase(Locale.ROOT)),
                    JsonFields.i(n, "real", 0), JsonFields.i(n, "effective", 0));
            case "namespace" -> new NamespaceEvent(t, task(rec),
                    NamespaceEvent.Op.valueOf(n.path("op").asText().toUpperCase(Locale.ROOT)),
                    namespaces(n.path("namespaces")), RecordCodec.text(n, "path"), RecordCodec.text(n, "path2"),
                    JsonFields.l(n, "inode", 0), JsonFields.l(n, "flags", 0), JsonFields.i(n, "result", 0));
            case "snapshot" -> new SnapshotEvent(t, rec.has("snapshot") ? RecordCodec.process(rec.get("snapshot")) : process);
            case "lost" -> new LostEvent(t, RecordCodec.text(n, "source"), JsonFields.l(n, "count", 0),
                    RecordCodec.text(n, "reason"));
            case "container_start", "container_stop" -> new ContainerEvent(t,
                    type.equals("container_start") ? ContainerEvent.Kind.START : ContainerEvent.Kind.STOP,
                    eventContainer);
            default -> throw new IllegalArgumentException("unknown event type \"" + type + "\"");
        };
        return new TracedEvent(e, process, parent, container);
    }

    private ProcessInfo process(JsonNode n) {
        if (n != null && n.isArray()) {
            ProcessKey key = new ProcessKey(JsonFields.i(n.path(0), "process reference"), JsonFields.l(n.path(1), "process reference"));
            ProcessInfo p = processes.get(key);
            if (p == null) {
                throw new IllegalArgumentException("reference to process " + key + " that no earlier line holds");
            }
            return p;
        }
        ProcessInfo p = RecordCodec.process(n);
        if (p != null) {
            processes.put(p.key(), p);
        }
        return p;
    }

    private ContainerInfo container(JsonNode n) {
        if (n != null && n.isTextual()) {
            ContainerInfo c = containers.get(n.asText());
            if (c == null) {
                throw new IllegalArgumentException("reference to container " + n.asText() + " that no earlier line holds");
            }
            return c;
        }
        ContainerInfo c = RecordCodec.container(n);
        if (c != null) {
            containers.put(c.id(), c);
        }
        return c;
    }

    private static Task task(JsonNode rec) {
        JsonNode t = rec.get("task");
        if (t == null || !t.isObject()) {
            throw new IllegalArgumentException("\"rec\" has no \"task\"");
        }
        return RecordCodec.task(t);
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(a -> out.add(a.asText()));
        return out;
    }

    private static List<Namespace> namespaces(JsonNode arr) {
        List<Namespace> out = new ArrayList<>();
        for (JsonNode a : arr) {
            Namespace found = null;
            for (Namespace ns : Namespace.values()) {
                if (ns.procName().equals(a.asText())) {
                    found = ns;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown namespace \"" + a.asText() + "\"");
            }
            out.add(found);
        }
        return out;
    }
}
