package io.boxtrace.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lossless part of a recording line ({@code "rec"}): the raw {@link Task}, the full
 * {@link ProcessInfo}s and {@link ContainerInfo} that the public {@code trace --json} fields only
 * summarise (they fall back from the task to the process table, so the raw values are not
 * recoverable from them). Field names are documented in docs/json-events.md, "Recording lines".
 *
 * <p>Stateless; safe for concurrent use.
 */
public final class RecordCodec {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private RecordCodec() {
    }

    public static ObjectNode task(Task t) {
        ObjectNode n = F.objectNode();
        n.put("pid", t.pid());
        n.put("tid", t.tid());
        n.put("ppid", t.ppid());
        n.put("uid", t.uid());
        if (t.comm() != null) {
            n.put("comm", t.comm());
        }
        n.put("cgroup_id", t.cgroupId());
        n.put("pidns", t.pidNs());
        n.put("nspid", t.nsPid());
        return n;
    }

    public static Task task(JsonNode n) {
        return new Task(JsonFields.i(n, "pid", 0), JsonFields.i(n, "tid", 0), JsonFields.i(n, "ppid", Task.UNKNOWN),
                JsonFields.i(n, "uid", Task.UNKNOWN), text(n, "comm"), JsonFields.l(n, "cgroup_id", 0),
                JsonFields.l(n, "pidns", 0), JsonFields.i(n, "nspid", Task.UNKNOWN));
    }

    public static ObjectNode process(ProcessInfo p) {
        ObjectNode n = F.objectNode();
        n.put("pid", p.pid());
        n.put("start_ns", p.startNs());
        n.put("ppid", p.ppid());
        n.put("uid", p.uid());
        putIfSet(n, "comm", p.comm());
        putIfSet(n, "exe", p.exe());
        p.args().forEach(n.putArray("args")::add);
        putIfSet(n, "cwd", p.cwd());
        putIfSet(n, "cgroup", p.cgroup());
        n.put("cgroup_id", p.cgroupId());
        p.nsPids().forEach(n.putArray("nspids")::add);
        ObjectNode ns = n.putObject("namespaces");
        new TreeMap<>(p.namespaces()).forEach(ns::put);
        n.put("exit_ns", p.exitNs());
        n.put("exit_code", p.exitCode());
        n.put("exit_signal", p.exitSignal());
        n.put("kernel_thread", p.kernelThread());
        return n;
    }

    public static ProcessInfo process(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        List<String> args = new ArrayList<>();
        n.path("args").forEach(a -> args.add(a.asText()));
        List<Integer> nsPids = new ArrayList<>();
        n.path("nspids").forEach(a -> nsPids.add(JsonFields.i(a, "nspids")));
        Map<String, Long> namespaces = new LinkedHashMap<>();
        n.path("namespaces").properties().forEach(e -> namespaces.put(e.getKey(), JsonFields.l(e.getValue(), "namespaces")));
        return new ProcessInfo(new ProcessKey(JsonFields.i(n, "pid", 0), JsonFields.l(n, "start_ns", 0)),
                JsonFields.i(n, "ppid", 0), JsonFields.i(n, "uid", Task.UNKNOWN), text(n, "comm"), text(n, "exe"), args,
                text(n, "cwd"), text(n, "cgroup"), JsonFields.l(n, "cgroup_id", 0), nsPids, namespaces,
                JsonFields.l(n, "exit_ns", 0), JsonFields.i(n, "exit_code", Task.UNKNOWN), JsonFields.i(n, "exit_signal", 0),
                n.path("kernel_thread").asBoolean());
    }

    public static ObjectNode container(ContainerInfo c) {
        ObjectNode n = F.objectNode();
        n.put("id", c.id());
        putIfSet(n, "name", c.name());
        putIfSet(n, "image", c.image());
        putIfSet(n, "runtime", c.runtime());
        ObjectNode labels = n.putObject("labels");
        new TreeMap<>(c.labels()).forEach(labels::put);
        putIfSet(n, "cgroup", c.cgroup());
        if (c.parent() != null) {
            n.set("parent", container(c.parent()));
        }
        return n;
    }

    public static ContainerInfo container(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        n.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new ContainerInfo(n.path("id").asText(), text(n, "name"), text(n, "image"), text(n, "runtime"),
                labels, container(n.get("parent")), text(n, "cgroup"));
    }

    private static void putIfSet(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
