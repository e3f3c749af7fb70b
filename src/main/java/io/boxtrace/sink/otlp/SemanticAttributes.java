package io.boxtrace.sink.otlp;

import io.boxtrace.container.KubernetesIdentity;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.Task;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.List;

/**
 * Attribute keys from the OpenTelemetry semantic conventions (process, container, k8s) and the few
 * boxtrace adds under {@code boxtrace.*}, and how a process or container fills them. Stateless.
 */
final class SemanticAttributes {

    static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey("event.name");
    static final AttributeKey<Long> PID = AttributeKey.longKey("process.pid");
    static final AttributeKey<Long> PARENT_PID = AttributeKey.longKey("process.parent_pid");
    static final AttributeKey<String> EXE_NAME = AttributeKey.stringKey("process.executable.name");
    static final AttributeKey<String> EXE_PATH = AttributeKey.stringKey("process.executable.path");
    static final AttributeKey<List<String>> ARGS = AttributeKey.stringArrayKey("process.command_args");
    static final AttributeKey<Long> EXIT_CODE = AttributeKey.longKey("process.exit.code");
    static final AttributeKey<Long> USER_ID = AttributeKey.longKey("process.real_user.id");
    static final AttributeKey<String> CWD = AttributeKey.stringKey("process.working_directory");
    static final AttributeKey<String> CONTAINER_ID = AttributeKey.stringKey("container.id");
    static final AttributeKey<String> CONTAINER_NAME = AttributeKey.stringKey("container.name");
    static final AttributeKey<String> IMAGE_NAME = AttributeKey.stringKey("container.image.name");
    /** The convention's older key, which the issue and many collectors' processors still read. */
    static final AttributeKey<String> RUNTIME = AttributeKey.stringKey("container.runtime");
    static final AttributeKey<String> RUNTIME_NAME = AttributeKey.stringKey("container.runtime.name");
    static final AttributeKey<String> K8S_NAMESPACE = AttributeKey.stringKey("k8s.namespace.name");
    static final AttributeKey<String> K8S_POD = AttributeKey.stringKey("k8s.pod.name");
    static final AttributeKey<String> K8S_POD_UID = AttributeKey.stringKey("k8s.pod.uid");
    static final AttributeKey<String> K8S_CONTAINER = AttributeKey.stringKey("k8s.container.name");
    static final AttributeKey<Long> NSPID = AttributeKey.longKey("boxtrace.nspid");
    static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("boxtrace.signal");
    static final AttributeKey<Double> DURATION_MS = AttributeKey.doubleKey("boxtrace.duration_ms");
    static final AttributeKey<Long> ERRNO = AttributeKey.longKey("boxtrace.errno");

    private SemanticAttributes() {
    }

    static void process(AttributesBuilder b, ProcessInfo p) {
        if (p == null) {
            return;
        }
        b.put(PID, p.pid());
        if (p.ppid() > 0) {
            b.put(PARENT_PID, p.ppid());
        }
        putIf(b, EXE_NAME, p.comm());
        putIf(b, EXE_PATH, p.exe());
        if (!p.args().isEmpty()) {
            b.put(ARGS, p.args());
        }
        if (p.uid() >= 0) {
            b.put(USER_ID, p.uid());
        }
        // No process.working_directory from the table: it is the parent's at the fork, kept until an exec
        // reports one (the eBPF source never does), so a container's process would show its runtime shim's
        // host directory. The sink puts the exec's own, as the JSON lines do.
        if (!p.nsPids().isEmpty() && p.innermostPid() != p.pid()) {
            b.put(NSPID, p.innermostPid());
        }
    }

    /** The pid in the innermost pid namespace as the event's task carries it (the kernel's, at the event). */
    static void nsPid(AttributesBuilder b, Task task) {
        if (task.nsPid() != Task.UNKNOWN && task.nsPid() != task.pid()) {
            b.put(NSPID, task.nsPid());
        }
    }

    static void container(AttributesBuilder b, ContainerInfo c) {
        if (c == null) {
            return;
        }
        b.put(CONTAINER_ID, c.id());
        putIf(b, CONTAINER_NAME, c.name());
        putIf(b, IMAGE_NAME, c.image());
        putIf(b, RUNTIME, c.runtime());
        putIf(b, RUNTIME_NAME, c.runtime());
        KubernetesIdentity.of(c).ifPresent(k -> {
            putIf(b, K8S_NAMESPACE, k.namespace());
            putIf(b, K8S_POD, k.pod());
            putIf(b, K8S_POD_UID, k.podUid());
            putIf(b, K8S_CONTAINER, k.container());
        });
    }

    static void putIf(AttributesBuilder b, AttributeKey<String> k, String v) {
        if (v != null && !v.isEmpty()) {
            b.put(k, v);
        }
    }
}
