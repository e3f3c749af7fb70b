package io.boxtrace.source.ebpf;

import static io.boxtrace.source.ebpf.RecordLayout.*;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.Namespace;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.ProcessResources;
import io.boxtrace.event.Task;
import io.boxtrace.source.CgroupListener;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns ring-buffer records (boxtrace.h) into events. Pure: a ByteBuffer in, events out, tested on
 * records captured from the kernel. A fork that creates namespaces yields a NamespaceEvent (op
 * CLONE) after the ForkEvent. argv bytes that are not UTF-8 become U+FFFD.
 *
 * <p>Stateless apart from counters; not thread-safe (one per reader thread).
 */
public final class RecordDecoder {

    private final int maxArgs;
    private final CgroupListener cgroups;
    private long malformed;

    /** @param maxArgs argv entries kept per exec; more are cut and the exec marked truncated */
    public RecordDecoder(int maxArgs) {
        this(maxArgs, null);
    }

    /** @param cgroups told of cgroup records, which are facts for attribution, not events; null: dropped */
    /** Every record carries a comm, and a storm repeats a handful: one String each, not one per record. */
    private final CommCache comms = new CommCache(COMM_LEN);

    public RecordDecoder(int maxArgs, CgroupListener cgroups) {
        this.maxArgs = maxArgs;
        this.cgroups = cgroups;
    }

    public void decode(ByteBuffer raw, Consumer<Event> out) {
        int size = raw.remaining();
        if (size < HEADER_SIZE) {
            malformed++;
            return;
        }
        // The ring reader hands a view at 0 in native order: read it in place (two buffer objects per
        // record otherwise). Anything else gets a view of its own that starts at the record.
        ByteBuffer b = raw.position() == 0 && raw.order() == ByteOrder.nativeOrder() ? raw
                : raw.slice().order(ByteOrder.nativeOrder());
        int type = b.getInt(H_TYPE);
        long time = b.getLong(H_TIME_NS);
        Task task = new Task(b.getInt(H_PID), b.getInt(H_TID), b.getInt(H_PPID), b.getInt(H_UID),
                comms.get(b, H_COMM), b.getLong(H_CGROUP_ID), b.getLong(H_PIDNS), b.getInt(H_NSPID));
        switch (type) {
            case BT_FORK -> {
                if (size < FORK_SIZE) {
                    malformed++;
                    return;
                }
                long flags = b.getLong(F_CLONE_FLAGS);
                ForkEvent f = new ForkEvent(time, task, b.getInt(F_CHILD_PID), b.getInt(F_CHILD_TID), flags);
                out.accept(f);
                List<Namespace> created = Namespace.fromCloneFlags(flags);
                if (!created.isEmpty()) {
                    Task child = new Task(f.childPid(), f.childTid(), task.pid(), task.uid(), task.comm(),
                            task.cgroupId(), 0, b.getInt(F_CHILD_NSPID));
                    out.accept(new NamespaceEvent(time, child, NamespaceEvent.Op.CLONE, created, null, null, 0, flags, 0));
                }
            }
            case BT_EXEC, BT_EXEC_FAILED -> decodeExec(b, size, type, time, task, out);
            case BT_EXIT -> {
                if (size < EXIT_SIZE) {
                    malformed++;
                    return;
                }
                if (cgroups != null) {
                    cgroups.taskExited(task.cgroupId());
                }
                out.accept(ExitEvent.fromWaitStatus(time, task, b.getInt(X_STATUS)).withResources(resources(b)));
            }
            case BT_NAMESPACE -> decodeNamespace(b, size, time, task, out);
            case BT_CGROUP_MKDIR, BT_CGROUP_RMDIR -> decodeCgroup(b, size, type);
            default -> malformed++;
        }
    }

    /** The bt_exit figures the kernel marked known; user and system split as getrusage does. */
    static ProcessResources resources(ByteBuffer b) {
        int flags = b.getInt(X_RES_FLAGS);
        if (flags == 0) {
            return null;
        }
        long user = ProcessResources.UNKNOWN;
        long sys = ProcessResources.UNKNOWN;
        if ((flags & BT_RES_CPU) != 0) {
            long[] split = CpuSplit.split(b.getLong(X_CPU_NS), b.getLong(X_UTIME_NS), b.getLong(X_STIME_NS));
            user = split[0];
            sys = split[1];
        }
        boolean io = (flags & BT_RES_IO) != 0;
        boolean ctx = (flags & BT_RES_CTX) != 0;
        return new ProcessResources(user, sys,
                (flags & BT_RES_RSS) != 0 ? b.getLong(X_MAXRSS_KB) : ProcessResources.UNKNOWN,
                io ? b.getLong(X_READ_BYTES) : ProcessResources.UNKNOWN,
                io ? b.getLong(X_WRITE_BYTES) : ProcessResources.UNKNOWN,
                ctx ? b.getLong(X_NVCSW) : ProcessResources.UNKNOWN,
                ctx ? b.getLong(X_NIVCSW) : ProcessResources.UNKNOWN,
                (flags & BT_RES_RUNQ) != 0 ? b.getLong(X_RUN_DELAY_NS) : ProcessResources.UNKNOWN,
                ProcessResources.Source.KERNEL);
    }

    private void decodeExec(ByteBuffer b, int size, int type, long time, Task task, Consumer<Event> out) {
        if (size < E_ARGS) {
            malformed++;
            return;
        }
        int argsLen = Math.min(b.getInt(E_ARGS_LEN), size - E_ARGS);
        boolean truncated = (b.getInt(E_FLAGS) & BT_EXEC_TRUNCATED) != 0;
        List<String> args = new ArrayList<>();
        int start = E_ARGS;
        int end = E_ARGS + argsLen;
        for (int i = E_ARGS; i < end; i++) {
            if (b.get(i) == 0) {
                if (args.size() == maxArgs) {
                    truncated = true;
                    break;
                }
                args.add(utf8(b, start, i - start));
                start = i + 1;
            }
        }
        if (start < end && args.size() < maxArgs) {
            args.add(utf8(b, start, end - start)); // cut mid-argument by the byte limit
            truncated = true;
        }
        int err = type == BT_EXEC_FAILED ? Math.max(1, b.getInt(E_ERR)) : 0;
        out.accept(new ExecEvent(time, task, string(b, E_FILENAME, PATH_LEN), args, truncated, null, err,
                ExecEvent.ArgvSource.KERNEL));
    }

    /** A truncated path is not passed on: a wrong path would name the wrong container. */
    private void decodeCgroup(ByteBuffer b, int size, int type) {
        if (size < CGROUP_SIZE) {
            malformed++;
            return;
        }
        if (cgroups == null) {
            return;
        }
        long id = b.getLong(G_ID);
        if (type == BT_CGROUP_RMDIR) {
            cgroups.cgroupRemoved(id);
        } else if ((b.getInt(G_FLAGS) & BT_CGROUP_PATH_TRUNCATED) == 0) {
            String path = string(b, G_PATH, CGROUP_PATH_LEN);
            if (path.startsWith("/")) {
                cgroups.cgroupCreated(id, path);
            }
        }
    }

    private void decodeNamespace(ByteBuffer b, int size, long time, Task task, Consumer<Event> out) {
        if (size < NAMESPACE_SIZE) {
            malformed++;
            return;
        }
        long flags = b.getLong(N_FLAGS);
        int result = b.getInt(N_RESULT);
        NamespaceEvent.Op op;
        String path = null;
        String path2 = null;
        switch (b.getInt(N_OP)) {
            case BT_NS_UNSHARE -> op = NamespaceEvent.Op.UNSHARE;
            case BT_NS_SETNS -> op = NamespaceEvent.Op.SETNS;
            case BT_NS_PIVOT_ROOT -> {
                op = NamespaceEvent.Op.PIVOT_ROOT;
                path = string(b, N_PATH, PATH_LEN);
                path2 = string(b, N_PATH2, PATH_LEN);
            }
            case BT_NS_CHROOT -> {
                op = NamespaceEvent.Op.CHROOT;
                path = string(b, N_PATH, PATH_LEN);
            }
            default -> {
                malformed++;
                return;
            }
        }
        List<Namespace> kinds = op == NamespaceEvent.Op.UNSHARE || op == NamespaceEvent.Op.SETNS
                ? Namespace.fromCloneFlags(flags) : List.of();
        out.accept(new NamespaceEvent(time, task, op, kinds, path, path2, b.getLong(N_INODE), flags, result));
    }

    private static String string(ByteBuffer b, int offset, int max) {
        int n = 0;
        while (n < max && offset + n < b.limit() && b.get(offset + n) != 0) {
            n++;
        }
        return utf8(b, offset, n);
    }

    private static String utf8(ByteBuffer b, int offset, int len) {
        if (b.hasArray()) { // the ring reader's heap copy: decode from it, without a copy per string
            return new String(b.array(), b.arrayOffset() + offset, len, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[len];
        b.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public long malformed() {
        return malformed;
    }
}
