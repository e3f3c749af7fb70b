/* Records shared between boxtrace.bpf.c and the Java decoder.
 * Keep in sync with src/main/java/io/boxtrace/source/ebpf/RecordLayout.java
 * (RecordLayoutTest compares the two through the compiled object's BTF). */
#ifndef BOXTRACE_H
#define BOXTRACE_H

#define BT_COMM_LEN 16
#define BT_PATH_LEN 256
/* The most argv bytes one exec record can carry (per-CPU map values are limited to 32 KiB);
 * the runtime limit (config.max_arg_bytes) is lower or equal. */
#define BT_ARGS_MAX 16384

enum bt_type {
	BT_FORK = 1,
	BT_EXEC = 2,
	BT_EXEC_FAILED = 3,
	BT_EXIT = 4,
	BT_NAMESPACE = 5,
	BT_CGROUP_MKDIR = 6,
	BT_CGROUP_RMDIR = 7,
};

enum bt_ns_op {
	BT_NS_UNSHARE = 1,
	BT_NS_SETNS = 2,
	BT_NS_PIVOT_ROOT = 3,
	BT_NS_CHROOT = 4,
};

/* Every record starts with the task the event happened in. */
struct bt_header {
	__u64 time_ns;    /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 cgroup_id;  /* cgroup v2 id of the task */
	__u64 pidns;      /* inode of the task's pid namespace */
	__u32 type;       /* enum bt_type */
	__u32 pid;        /* tgid */
	__u32 tid;
	__u32 ppid;       /* real parent's tgid */
	__u32 uid;
	__u32 nspid;      /* pid in the innermost pid namespace */
	char comm[BT_COMM_LEN];
};

struct bt_fork {
	struct bt_header h;       /* the parent */
	__u64 clone_flags;        /* 0 when unknown */
	__u32 child_pid;
	__u32 child_tid;
	__u32 child_nspid;
	__u32 _pad;
};

/* Which resource figures of a bt_exit the kernel could give (bits of bt_exit.res_flags). */
#define BT_RES_CPU 1          /* cpu_ns, utime_ns, stime_ns */
#define BT_RES_RSS 2          /* maxrss_kb */
#define BT_RES_IO 4           /* read_bytes, write_bytes (CONFIG_TASK_IO_ACCOUNTING) */
#define BT_RES_CTX 8          /* nvcsw, nivcsw */
#define BT_RES_RUNQ 16        /* run_delay_ns (CONFIG_SCHED_INFO) */

/* What the whole thread group cost, read at the exit of its last thread (see on_exit). */
struct bt_exit {
	struct bt_header h;
	__u32 status;             /* wait(2) status: exit code << 8, or the signal */
	__u32 res_flags;          /* BT_RES_* */
	__u64 cpu_ns;             /* CPU time, scheduler-precise (sum_exec_runtime) */
	__u64 utime_ns;           /* tick-sampled user and system time: only their ratio is used, */
	__u64 stime_ns;           /* to split cpu_ns as getrusage does (cputime_adjust) */
	__u64 maxrss_kb;          /* peak resident set, KiB (ru_maxrss) */
	__u64 read_bytes;         /* storage I/O the group caused (task_io_accounting) */
	__u64 write_bytes;
	__u64 nvcsw;              /* voluntary context switches */
	__u64 nivcsw;             /* involuntary context switches */
	__u64 run_delay_ns;       /* time runnable but waiting for a CPU (live threads only) */
};

#define BT_EXEC_TRUNCATED 1

struct bt_exec {
	struct bt_header h;
	__s32 err;                /* 0, or the errno of a failed exec */
	__u32 flags;              /* BT_EXEC_TRUNCATED */
	__u32 args_len;           /* bytes of args[] that follow (NUL-separated argv) */
	__u32 _pad;
	char filename[BT_PATH_LEN];
	char args[BT_ARGS_MAX];
};

struct bt_namespace {
	struct bt_header h;
	__u64 flags;              /* unshare flags, or setns nstype */
	__u64 inode;              /* setns: inode of the namespace joined */
	__u32 op;                 /* enum bt_ns_op */
	__s32 result;             /* the syscall's return value */
	char path[BT_PATH_LEN];   /* pivot_root new_root, chroot path */
	char path2[BT_PATH_LEN];  /* pivot_root put_old */
};

/* A cgroup of the unified (v2) hierarchy was made or removed: its id is what bt_header.cgroup_id
 * carries for its tasks, its path names the container. Sent so that user space knows the path of
 * a container's cgroup even when the container is gone before the cgroup tree could be read. */
#define BT_CGROUP_PATH_LEN 512
#define BT_CGROUP_PATH_TRUNCATED 1

struct bt_cgroup {
	struct bt_header h;       /* the task that made or removed it */
	__u64 id;                 /* the cgroup's kernfs id (its directory's inode number) */
	__u32 level;              /* depth below the root (the root is 0) */
	__u32 flags;              /* BT_CGROUP_PATH_TRUNCATED */
	char path[BT_CGROUP_PATH_LEN]; /* from the hierarchy's root, e.g. /docker/<id> */
};

/* Runtime settings, written by Java into the config map before attaching. */
struct bt_config {
	__u32 max_arg_bytes;
	__u32 follow_enabled;     /* only tgids in the follow map (and their descendants) */
	__u32 cgroup_enabled;     /* only tasks in the cgroups of the cgroup map */
	__u32 _pad;
};

#endif
