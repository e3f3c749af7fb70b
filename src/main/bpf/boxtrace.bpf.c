// SPDX-License-Identifier: GPL-2.0
/* boxtrace's kernel side: process lifecycle and namespace operations, from tracepoints only
 * (this project targets kernels without kprobes), into one ring buffer. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "boxtrace.h"

char LICENSE[] SEC("license") = "GPL";

/* 1 MiB: some 2,000 execs of short argv with their forks and exits, about half a second of an exec
 * storm while Java drains it (the reader wakes every 20 ms or at 256 KiB). Its pages are mapped twice in
 * boxtrace's address space and count twice in its RSS (32 MiB made 64 MiB of a 140 MiB RSS; 4 MiB
 * made 8). 0 lost on bench/exec-storm.sh's 20,000 execs at 1 MiB, also with the other core kept busy
 * (docs/perf/memory-2026-12-03.md). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/* Records that could not be reserved (ring buffer full), per CPU; Java turns deltas into lost events. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bt_config);
} bt_config_map SEC(".maps");

/* Followed tgids; a fork of a followed process adds the child, so the set follows the tree. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} follow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u8);
} cgroups SEC(".maps");

/* Syscall arguments remembered from sys_enter to sys_exit, per thread. */
struct pending {
	__u64 a0;
	__u64 a1;
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pending);
} pending_execs SEC(".maps"), pending_clones SEC(".maps"), pending_ns SEC(".maps");

/* Exec and namespace records are too big for the BPF stack: built here, then copied out. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bt_exec);
} exec_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bt_namespace);
} ns_scratch SEC(".maps");

static const __u32 zero = 0;

/* Referenced here so that their layouts land in the object's BTF, which RecordLayoutTest compares
 * with the Java decoder's offsets (types used only behind ring-buffer pointers are left out). */
const struct bt_fork *unused_fork __attribute__((unused));
const struct bt_exit *unused_exit __attribute__((unused));
const struct bt_cgroup *unused_cgroup __attribute__((unused));

/* Wake user space only once this much is waiting: under load one wake-up then drains hundreds of
 * records instead of one each; at low rates the reader's short poll timeout picks records up. */
#define WAKEUP_BYTES (256 * 1024)

static __always_inline long wakeup_flag(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void count_lost(void)
{
	__u64 *n = bpf_map_lookup_elem(&lost, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
}

static __always_inline struct bt_config *cfg(void)
{
	return bpf_map_lookup_elem(&bt_config_map, &zero);
}

/* Whether events of this task pass the in-kernel filters (none set: everything passes). */
static __always_inline bool wanted(__u32 tgid)
{
	struct bt_config *c = cfg();
	if (!c)
		return true;
	if (c->follow_enabled && !bpf_map_lookup_elem(&follow, &tgid))
		return false;
	if (c->cgroup_enabled) {
		__u64 cg = bpf_get_current_cgroup_id();
		if (!bpf_map_lookup_elem(&cgroups, &cg))
			return false;
	}
	return true;
}

/* The pid-namespace inode and the pid inside it, from the task's struct pid at its own level. */
static __always_inline void task_pidns(struct task_struct *t, __u64 *ns, __u32 *nr)
{
	struct pid *p = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
	struct upid up;
	bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & 31]);
	*nr = up.nr;
	*ns = BPF_CORE_READ(up.ns, ns.inum);
}

static __always_inline void fill_header(struct bt_header *h, __u32 type)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	h->time_ns = bpf_ktime_get_ns();
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->type = type;
	h->pid = id >> 32;
	h->tid = (__u32)id;
	h->ppid = BPF_CORE_READ(t, real_parent, tgid);
	h->uid = (__u32)bpf_get_current_uid_gid();
	task_pidns(t, &h->pidns, &h->nspid);
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* ---- fork ---------------------------------------------------------------------------------- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u32 ctid = BPF_CORE_READ(child, pid);
	struct bt_config *c = cfg();
	if (c && c->follow_enabled && ctgid != ptgid && bpf_map_lookup_elem(&follow, &ptgid)) {
		__u8 one = 1;
		bpf_map_update_elem(&follow, &ctgid, &one, BPF_ANY);
	}
	if (!wanted(ptgid))
		return 0;
	struct bt_fork *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	fill_header(&e->h, BT_FORK);
	__u32 tid = e->h.tid;
	struct pending *pc = bpf_map_lookup_elem(&pending_clones, &tid);
	e->clone_flags = pc ? pc->a0 : 0;
	e->child_pid = ctgid;
	e->child_tid = ctid;
	__u64 ns;
	task_pidns(child, &ns, &e->child_nspid);
	e->_pad = 0;
	bpf_ringbuf_submit(e, wakeup_flag());
	return 0;
}

/* clone flags are not in sched_process_fork: remember them from the syscall's entry. */
SEC("tp/syscalls/sys_enter_clone")
int on_enter_clone(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending p = { .a0 = ctx->args[0] };
	bpf_map_update_elem(&pending_clones, &tid, &p, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_enter_clone3")
int on_enter_clone3(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending p = {};
	/* struct clone_args starts with __u64 flags; the caller just wrote it, so it is resident. */
	bpf_probe_read_user(&p.a0, sizeof(p.a0), (void *)ctx->args[0]);
	bpf_map_update_elem(&pending_clones, &tid, &p, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_exit_clone")
int on_exit_clone(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	if (ctx->ret != 0) /* the parent's return (the child returns 0 with an empty map) */
		bpf_map_delete_elem(&pending_clones, &tid);
	return 0;
}

SEC("tp/syscalls/sys_exit_clone3")
int on_exit_clone3(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	if (ctx->ret != 0)
		bpf_map_delete_elem(&pending_clones, &tid);
	return 0;
}

/* ---- exec ---------------------------------------------------------------------------------- */

static __always_inline struct bt_exec *exec_record(__u32 type)
{
	struct bt_exec *e = bpf_map_lookup_elem(&exec_scratch, &zero);
	if (!e)
		return 0;
	fill_header(&e->h, type);
	e->err = 0;
	e->flags = 0;
	e->args_len = 0;
	e->_pad = 0;
	return e;
}

static __always_inline void submit_exec(struct bt_exec *e)
{
	__u64 size = offsetof(struct bt_exec, args) + e->args_len;
	if (size > sizeof(*e))
		size = sizeof(*e);
	if (bpf_ringbuf_output(&events, e, size, wakeup_flag()))
		count_lost();
}

/* argv is read from the new image (mm->arg_start..arg_end) after the exec: it is always resident
 * there, unlike the caller's strings at execve entry, which BPF cannot fault in. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	__u32 tid = BPF_CORE_READ(p, pid);
	bpf_map_delete_elem(&pending_execs, &tid);
	if (!wanted(tgid))
		return 0;
	struct bt_exec *e = exec_record(BT_EXEC);
	if (!e)
		return 0;
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));
	struct mm_struct *mm = BPF_CORE_READ(p, mm);
	__u64 start = BPF_CORE_READ(mm, arg_start);
	__u64 end = BPF_CORE_READ(mm, arg_end);
	__u64 len = end > start ? end - start : 0;
	struct bt_config *c = cfg();
	__u64 limit = BT_ARGS_MAX - 1;
	if (c && c->max_arg_bytes && c->max_arg_bytes < limit)
		limit = c->max_arg_bytes;
	if (len > limit) {
		len = limit;
		e->flags |= BT_EXEC_TRUNCATED;
	}
	len &= BT_ARGS_MAX - 1; /* a no-op (len < BT_ARGS_MAX) that shows the verifier the bound */
	if (len && bpf_probe_read_user(e->args, len, (void *)start) == 0)
		e->args_len = len;
	submit_exec(e);
	return 0;
}

/* Failed execs never reach sched_process_exec: remember the filename at entry, report at exit. */
static __always_inline int enter_exec(const char *filename)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending p = { .a0 = (__u64)filename };
	bpf_map_update_elem(&pending_execs, &tid, &p, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_enter_execve")
int on_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return enter_exec((const char *)ctx->args[0]);
}

SEC("tp/syscalls/sys_enter_execveat")
int on_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return enter_exec((const char *)ctx->args[1]);
}

static __always_inline int exit_exec(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&pending_execs, &tid);
	if (!p)
		return 0;
	const char *filename = (const char *)p->a0;
	bpf_map_delete_elem(&pending_execs, &tid);
	if (ret >= 0 || !wanted(bpf_get_current_pid_tgid() >> 32))
		return 0;
	struct bt_exec *e = exec_record(BT_EXEC_FAILED);
	if (!e)
		return 0;
	e->err = -ret;
	/* The kernel copied the name in (getname) during the call, so it is resident now. */
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), filename);
	submit_exec(e);
	return 0;
}

SEC("tp/syscalls/sys_exit_execve")
int on_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return exit_exec(ctx->ret);
}

SEC("tp/syscalls/sys_exit_execveat")
int on_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return exit_exec(ctx->ret);
}

/* ---- exit ---------------------------------------------------------------------------------- */

/* What the thread group cost, as getrusage(RUSAGE_CHILDREN) will tell its parent, read here
 * because after release_task() nothing of it is left to read. At the group_dead exit, threads that
 * died earlier have been released and __exit_signal() folded their times, switches and I/O into
 * signal_struct; what is not folded yet is this task's own and, when the last thread out is not
 * the leader (Go, Java), the leader's: it stays a zombie until the group is dead. So: signal +
 * this task + the leader. */
static __always_inline void add_task(struct bt_exit *e, struct task_struct *t)
{
	e->cpu_ns += BPF_CORE_READ(t, se.sum_exec_runtime);
	e->utime_ns += BPF_CORE_READ(t, utime);
	e->stime_ns += BPF_CORE_READ(t, stime);
	e->nvcsw += BPF_CORE_READ(t, nvcsw);
	e->nivcsw += BPF_CORE_READ(t, nivcsw);
	if (bpf_core_field_exists(t->ioac)) {
		e->read_bytes += BPF_CORE_READ(t, ioac.read_bytes);
		e->write_bytes += BPF_CORE_READ(t, ioac.write_bytes);
	}
	/* run_delay is per task and never folded into signal_struct: threads already gone are lost. */
	if (bpf_core_field_exists(t->sched_info))
		e->run_delay_ns += BPF_CORE_READ(t, sched_info.run_delay);
}

static __always_inline void exit_resources(struct bt_exit *e, struct task_struct *p, struct signal_struct *sig)
{
	e->res_flags = BT_RES_CPU | BT_RES_RSS | BT_RES_CTX;
	e->cpu_ns = BPF_CORE_READ(sig, sum_sched_runtime);
	e->utime_ns = BPF_CORE_READ(sig, utime);
	e->stime_ns = BPF_CORE_READ(sig, stime);
	e->nvcsw = BPF_CORE_READ(sig, nvcsw);
	e->nivcsw = BPF_CORE_READ(sig, nivcsw);
	e->read_bytes = 0;
	e->write_bytes = 0;
	if (bpf_core_field_exists(sig->ioac)) {
		e->res_flags |= BT_RES_IO;
		e->read_bytes = BPF_CORE_READ(sig, ioac.read_bytes);
		e->write_bytes = BPF_CORE_READ(sig, ioac.write_bytes);
	}
	e->run_delay_ns = 0;
	if (bpf_core_field_exists(p->sched_info))
		e->res_flags |= BT_RES_RUNQ;
	add_task(e, p);
	struct task_struct *leader = BPF_CORE_READ(p, group_leader);
	if (leader && leader != p)
		add_task(e, leader);
	/* The peak of the image the process ended as: its mm's high-water mark, which the kernel
	 * updates lazily (on unmap and at exit_mmap, after this tracepoint), or the current RSS when
	 * higher. Not signal->maxrss: exec folds the previous image into it, and that image is, after
	 * a fork, a copy of the parent's whole memory map (a JVM, runc init), so getrusage's ru_maxrss
	 * of a freshly exec'd `sh -c true` is the size of whatever forked it. RSS counters are per-CPU
	 * batched: the shared count is off by at most 32 pages per CPU and counter.
	 * Pages → KiB: x86-64 pages are 4 KiB (this object is built for x86 only). */
	__u64 pages = 0;
	struct mm_struct *mm = BPF_CORE_READ(p, mm);
	if (mm) {
		__s64 rss = BPF_CORE_READ(mm, rss_stat[0].count) + BPF_CORE_READ(mm, rss_stat[1].count)
			    + BPF_CORE_READ(mm, rss_stat[3].count); /* MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES */
		pages = BPF_CORE_READ(mm, hiwater_rss);
		if (rss > 0 && (__u64)rss > pages)
			pages = rss;
	} else {
		e->res_flags &= ~BT_RES_RSS; /* the memory map is already gone (a kernel thread) */
	}
	e->maxrss_kb = pages * 4;
}

/* do_exit() computes group_dead (the last live thread of the group is leaving) before this
 * tracepoint and passes it: report the process exactly once, from its last thread. The status
 * is the group's when the group was told to exit (exit_group, fatal signal), else the task's. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p, bool group_dead)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	if (!group_dead)
		return 0;
	bool pass = wanted(tgid);
	bpf_map_delete_elem(&follow, &tgid);
	if (!pass)
		return 0;
	struct bt_exit *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	fill_header(&e->h, BT_EXIT);
	/* The last thread out may not be the leader (Go programs): the record is the process's. */
	e->h.pid = tgid;
	e->h.tid = tgid;
	struct signal_struct *sig = BPF_CORE_READ(p, signal);
	unsigned int sflags = BPF_CORE_READ(sig, flags);
	e->status = (sflags & 0x00000004 /* SIGNAL_GROUP_EXIT */) ? BPF_CORE_READ(sig, group_exit_code)
								: BPF_CORE_READ(p, exit_code);
	exit_resources(e, p, sig);
	bpf_ringbuf_submit(e, wakeup_flag());
	return 0;
}

/* ---- namespaces ---------------------------------------------------------------------------- */

static __always_inline int remember_ns(__u64 a0, __u64 a1)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending p = { .a0 = a0, .a1 = a1 };
	bpf_map_update_elem(&pending_ns, &tid, &p, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_enter_unshare")
int on_enter_unshare(struct trace_event_raw_sys_enter *ctx)
{
	return remember_ns(ctx->args[0], 0);
}

SEC("tp/syscalls/sys_enter_setns")
int on_enter_setns(struct trace_event_raw_sys_enter *ctx)
{
	return remember_ns(ctx->args[0], ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_pivot_root")
int on_enter_pivot_root(struct trace_event_raw_sys_enter *ctx)
{
	return remember_ns(ctx->args[0], ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_chroot")
int on_enter_chroot(struct trace_event_raw_sys_enter *ctx)
{
	return remember_ns(ctx->args[0], 0);
}

static __always_inline struct bt_namespace *ns_record(__u32 op, long ret, struct pending *p)
{
	struct bt_namespace *e = bpf_map_lookup_elem(&ns_scratch, &zero);
	if (!e)
		return 0;
	fill_header(&e->h, BT_NAMESPACE);
	e->op = op;
	e->result = ret;
	e->flags = 0;
	e->inode = 0;
	e->path[0] = 0;
	e->path2[0] = 0;
	return e;
}

static __always_inline struct pending *take_pending(struct pending *copy)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&pending_ns, &tid);
	if (!p)
		return 0;
	*copy = *p;
	bpf_map_delete_elem(&pending_ns, &tid);
	return copy;
}

static __always_inline void submit_ns(struct bt_namespace *e)
{
	if (bpf_ringbuf_output(&events, e, sizeof(*e), wakeup_flag()))
		count_lost();
}

SEC("tp/syscalls/sys_exit_unshare")
int on_exit_unshare(struct trace_event_raw_sys_exit *ctx)
{
	struct pending copy;
	struct pending *p = take_pending(&copy);
	if (!p || !wanted(bpf_get_current_pid_tgid() >> 32))
		return 0;
	struct bt_namespace *e = ns_record(BT_NS_UNSHARE, ctx->ret, p);
	if (!e)
		return 0;
	e->flags = p->a0;
	submit_ns(e);
	return 0;
}

/* The namespace a setns fd refers to: the nsfs inode's private data is its ns_common. */
static __always_inline void setns_target(int fd, __u64 *inode, __u64 *type)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	struct file *f = 0;
	if (fd < 0)
		return;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd & 0xffff]);
	if (!f)
		return;
	struct ns_common *ns = BPF_CORE_READ(f, f_inode, i_private);
	if (!ns)
		return;
	*inode = BPF_CORE_READ(f, f_inode, i_ino);
	if (bpf_core_field_exists(ns->ns_type))
		*type = BPF_CORE_READ(ns, ns_type);
}

SEC("tp/syscalls/sys_exit_setns")
int on_exit_setns(struct trace_event_raw_sys_exit *ctx)
{
	struct pending copy;
	struct pending *p = take_pending(&copy);
	if (!p || !wanted(bpf_get_current_pid_tgid() >> 32))
		return 0;
	struct bt_namespace *e = ns_record(BT_NS_SETNS, ctx->ret, p);
	if (!e)
		return 0;
	__u64 inode = 0, type = 0;
	setns_target((int)p->a0, &inode, &type);
	/* nstype 0 means "whatever the fd is": then the type comes from the namespace itself. */
	e->flags = p->a1 ? p->a1 : type;
	e->inode = inode;
	submit_ns(e);
	return 0;
}

/* Paths are read at exit: the kernel has just copied them in, so they are resident. */
SEC("tp/syscalls/sys_exit_pivot_root")
int on_exit_pivot_root(struct trace_event_raw_sys_exit *ctx)
{
	struct pending copy;
	struct pending *p = take_pending(&copy);
	if (!p || !wanted(bpf_get_current_pid_tgid() >> 32))
		return 0;
	struct bt_namespace *e = ns_record(BT_NS_PIVOT_ROOT, ctx->ret, p);
	if (!e)
		return 0;
	bpf_probe_read_user_str(e->path, sizeof(e->path), (void *)p->a0);
	bpf_probe_read_user_str(e->path2, sizeof(e->path2), (void *)p->a1);
	submit_ns(e);
	return 0;
}

SEC("tp/syscalls/sys_exit_chroot")
int on_exit_chroot(struct trace_event_raw_sys_exit *ctx)
{
	struct pending copy;
	struct pending *p = take_pending(&copy);
	if (!p || !wanted(bpf_get_current_pid_tgid() >> 32))
		return 0;
	struct bt_namespace *e = ns_record(BT_NS_CHROOT, ctx->ret, p);
	if (!e)
		return 0;
	bpf_probe_read_user_str(e->path, sizeof(e->path), (void *)p->a0);
	submit_ns(e);
	return 0;
}

/* ---- cgroups ------------------------------------------------------------------------------- */

/* Cgroups of the unified hierarchy only (hierarchy 0: the one bpf_get_current_cgroup_id answers
 * for; v1 hierarchies number their cgroups apart). Not filtered by follow or cgroup: the runtime
 * that makes a container's cgroup is not one of the followed processes, and these are rare. The
 * kernel fills path only while the tracepoint is enabled, which attaching this program does. */
static __always_inline int cgroup_change(struct cgroup *cgrp, const char *path, __u32 type)
{
	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0)
		return 0;
	struct bt_cgroup *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	fill_header(&e->h, type);
	e->id = BPF_CORE_READ(cgrp, kn, id);
	e->level = BPF_CORE_READ(cgrp, level);
	long n = bpf_probe_read_kernel_str(e->path, sizeof(e->path), path);
	e->flags = n >= (long)sizeof(e->path) ? BT_CGROUP_PATH_TRUNCATED : 0;
	if (n < 0)
		e->path[0] = 0;
	bpf_ringbuf_submit(e, wakeup_flag());
	return 0;
}

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(on_cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	return cgroup_change(cgrp, path, BT_CGROUP_MKDIR);
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(on_cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	return cgroup_change(cgrp, path, BT_CGROUP_RMDIR);
}
