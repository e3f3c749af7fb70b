package io.boxtrace.source.ebpf;

import java.util.Map;

/**
 * Byte offsets of the records in src/main/bpf/boxtrace.h (x86-64, natural alignment). Keep in
 * sync with that header: RecordLayoutTest compares every offset and size here with the compiled
 * object's BTF, so a drift fails the build rather than corrupting events.
 */
final class RecordLayout {

    // enum bt_type
    static final int BT_FORK = 1;
    static final int BT_EXEC = 2;
    static final int BT_EXEC_FAILED = 3;
    static final int BT_EXIT = 4;
    static final int BT_NAMESPACE = 5;
    static final int BT_CGROUP_MKDIR = 6;
    static final int BT_CGROUP_RMDIR = 7;
    // enum bt_ns_op
    static final int BT_NS_UNSHARE = 1;
    static final int BT_NS_SETNS = 2;
    static final int BT_NS_PIVOT_ROOT = 3;
    static final int BT_NS_CHROOT = 4;
    static final int BT_EXEC_TRUNCATED = 1;

    static final int COMM_LEN = 16;
    static final int PATH_LEN = 256;
    static final int ARGS_MAX = 16384;

    // struct bt_header
    static final int H_TIME_NS = 0;
    static final int H_CGROUP_ID = 8;
    static final int H_PIDNS = 16;
    static final int H_TYPE = 24;
    static final int H_PID = 28;
    static final int H_TID = 32;
    static final int H_PPID = 36;
    static final int H_UID = 40;
    static final int H_NSPID = 44;
    static final int H_COMM = 48;
    static final int HEADER_SIZE = 64;

    // struct bt_fork
    static final int F_CLONE_FLAGS = 64;
    static final int F_CHILD_PID = 72;
    static final int F_CHILD_TID = 76;
    static final int F_CHILD_NSPID = 80;
    static final int FORK_SIZE = 88;

    // struct bt_exit, and its BT_RES_* flags
    static final int X_STATUS = 64;
    static final int X_RES_FLAGS = 68;
    static final int X_CPU_NS = 72;
    static final int X_UTIME_NS = 80;
    static final int X_STIME_NS = 88;
    static final int X_MAXRSS_KB = 96;
    static final int X_READ_BYTES = 104;
    static final int X_WRITE_BYTES = 112;
    static final int X_NVCSW = 120;
    static final int X_NIVCSW = 128;
    static final int X_RUN_DELAY_NS = 136;
    static final int EXIT_SIZE = 144;
    static final int BT_RES_CPU = 1;
    static final int BT_RES_RSS = 2;
    static final int BT_RES_IO = 4;
    static final int BT_RES_CTX = 8;
    static final int BT_RES_RUNQ = 16;

    // struct bt_exec
    static final int E_ERR = 64;
    static final int E_FLAGS = 68;
    static final int E_ARGS_LEN = 72;
    static final int E_FILENAME = 80;
    static final int E_ARGS = 336;
    static final int EXEC_SIZE = E_ARGS + ARGS_MAX;

    // struct bt_namespace
    static final int N_FLAGS = 64;
    static final int N_INODE = 72;
    static final int N_OP = 80;
    static final int N_RESULT = 84;
    static final int N_PATH = 88;
    static final int N_PATH2 = 344;
    static final int NAMESPACE_SIZE = 600;

    // struct bt_cgroup
    static final int G_ID = 64;
    static final int G_LEVEL = 72;
    static final int G_FLAGS = 76;
    static final int G_PATH = 80;
    static final int CGROUP_PATH_LEN = 512;
    static final int CGROUP_SIZE = G_PATH + CGROUP_PATH_LEN;
    static final int BT_CGROUP_PATH_TRUNCATED = 1;

    // struct bt_config
    static final int C_MAX_ARG_BYTES = 0;
    static final int C_FOLLOW_ENABLED = 4;
    static final int C_CGROUP_ENABLED = 8;
    static final int CONFIG_SIZE = 16;

    private RecordLayout() {
    }

    /** Struct name → (member name → offset), with "$size" for the struct size: what the test checks. */
    static Map<String, Map<String, Integer>> expected() {
        return Map.of(
                "bt_header", Map.of("time_ns", H_TIME_NS, "cgroup_id", H_CGROUP_ID, "pidns", H_PIDNS, "type", H_TYPE,
                        "pid", H_PID, "tid", H_TID, "ppid", H_PPID, "uid", H_UID, "nspid", H_NSPID, "comm", H_COMM),
                "bt_fork", Map.of("clone_flags", F_CLONE_FLAGS, "child_pid", F_CHILD_PID, "child_tid", F_CHILD_TID,
                        "child_nspid", F_CHILD_NSPID, "$size", FORK_SIZE),
                "bt_exit", Map.ofEntries(Map.entry("status", X_STATUS), Map.entry("res_flags", X_RES_FLAGS),
                        Map.entry("cpu_ns", X_CPU_NS), Map.entry("utime_ns", X_UTIME_NS),
                        Map.entry("stime_ns", X_STIME_NS), Map.entry("maxrss_kb", X_MAXRSS_KB),
                        Map.entry("read_bytes", X_READ_BYTES), Map.entry("write_bytes", X_WRITE_BYTES),
                        Map.entry("nvcsw", X_NVCSW), Map.entry("nivcsw", X_NIVCSW),
                        Map.entry("run_delay_ns", X_RUN_DELAY_NS), Map.entry("$size", EXIT_SIZE)),
                "bt_exec", Map.of("err", E_ERR, "flags", E_FLAGS, "args_len", E_ARGS_LEN, "filename", E_FILENAME,
                        "args", E_ARGS, "$size", EXEC_SIZE),
                "bt_namespace", Map.of("flags", N_FLAGS, "inode", N_INODE, "op", N_OP, "result", N_RESULT,
                        "path", N_PATH, "path2", N_PATH2, "$size", NAMESPACE_SIZE),
                "bt_cgroup", Map.of("id", G_ID, "level", G_LEVEL, "flags", G_FLAGS, "path", G_PATH,
                        "$size", CGROUP_SIZE),
                "bt_config", Map.of("max_arg_bytes", C_MAX_ARG_BYTES, "follow_enabled", C_FOLLOW_ENABLED,
                        "cgroup_enabled", C_CGROUP_ENABLED, "$size", CONFIG_SIZE));
    }
}
