/*
 * boxtrace-debug: started and waited for by `boxtrace debug` (the JVM). A multi-threaded process
 * cannot join a mount namespace (setns(CLONE_NEWNS) fails with EINVAL), so every namespace
 * operation of a debug session happens here, in one single-threaded process; see docs/debug.md.
 *
 *   boxtrace-debug --pid PID --start TICKS --name NAME --mount-at DIR [--no-net] [--layer DIR]...
 *                  (--shell | -- COMMAND ARGS...)
 *
 * Exits with COMMAND's status (128 + signal when it was killed), or prints one line
 * "boxtrace debug: ..." and exits 1 (runtime), 2 (usage), 3 (privilege), 4 (internal).
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* The comm of the session's processes: boxtrace tree marks them by it (keep in sync with io.boxtrace.container.DebugSessions). */
#define SESSION_COMM "boxtrace-debug"
#define MAX_ENVIRON (1 << 20)

void die(int code, int with_errno, const char *fmt, ...) {
    int err = errno;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (with_errno) {
        fprintf(stderr, "boxtrace debug: %s: %s\n", msg, strerror(err));
    } else {
        fprintf(stderr, "boxtrace debug: %s\n", msg);
    }
    exit(code);
}

int errno_code(int err) {
    return err == EPERM ? EXIT_PRIVILEGE : EXIT_RUNTIME;
}

static void usage(const char *what) {
    die(EXIT_USAGE, 0, "helper: %s", what);
}

static void parse(int argc, char **argv, struct options *o) {
    static const char *layers[256];
    memset(o, 0, sizeof *o);
    o->net = 1;
    o->mount_at = "/to-debug";
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--no-net") == 0) {
            o->net = 0;
        } else if (strcmp(a, "--shell") == 0) {
            o->shell = 1;
        } else if (v == NULL) {
            usage("an option is missing its value");
        } else if (strcmp(a, "--pid") == 0) {
            o->pid = atoi(v), i++;
        } else if (strcmp(a, "--start") == 0) {
            o->start = strtoull(v, NULL, 10), i++;
        } else if (strcmp(a, "--name") == 0) {
            o->name = v, i++;
        } else if (strcmp(a, "--mount-at") == 0) {
            o->mount_at = v, i++;
        } else if (strcmp(a, "--layer") == 0) {
            if (o->nlayers == (int)(sizeof layers / sizeof layers[0])) {
                usage("too many image layers");
            }
            layers[o->nlayers++] = v, i++;
            o->layers = layers;
        } else {
            usage("unknown option");
        }
    }
    o->command = i < argc ? argv + i : NULL;
    if (o->pid <= 0 || o->name == NULL || o->mount_at[0] != '/' || o->mount_at[1] == '\0'
            || (o->command == NULL) == (o->shell == 0)) {
        usage("--pid, --name, an absolute --mount-at and one of --shell or COMMAND are needed");
    }
}

/* Field 22 of /proc/PID/stat, after the comm in parentheses (which may hold spaces and parentheses). */
static unsigned long long start_ticks(int pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0) {
        return 0;
    }
    ssize_t n = read(f, buf, sizeof buf - 1);
    close(f);
    if (n <= 0) {
        return 0;
    }
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    for (int field = 2; p != NULL && field < 22; field++) {
        p = strchr(p + 1, ' ');
    }
    return p == NULL ? 0 : strtoull(p + 1, NULL, 10);
}

static int open_ns(int pid, const char *ns) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, ns);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die(errno == EACCES || errno == EPERM ? EXIT_PRIVILEGE : EXIT_RUNTIME, 1,
            "cannot open %s (needs CAP_SYS_PTRACE)", path);
    }
    return fd;
}

static size_t read_environ(int pid, char **out) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/environ", pid);
    char *buf = malloc(MAX_ENVIRON);
    size_t len = 0;
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (buf == NULL || f < 0) {
        die(EXIT_PRIVILEGE, 1, "cannot read %s (needs CAP_SYS_PTRACE)", path);
    }
    ssize_t n;
    while (len < MAX_ENVIRON && (n = read(f, buf + len, MAX_ENVIRON - len)) > 0) {
        len += (size_t)n;
    }
    close(f);
    *out = buf;
    return len;
}

static void join(int fd, int type, const char *what) {
    if (setns(fd, type) != 0) {
        die(errno_code(errno), 1, "cannot join the container's %s namespace (needs CAP_SYS_ADMIN)", what);
    }
    close(fd);
}


int main(int argc, char **argv) {
    struct options opt;
    parse(argc, argv, &opt);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* the JVM gone: the session goes too */

    /* Pin the container's process first, then check it is the one boxtrace resolved (pids are reused). */
    int pidfd = (int)syscall(SYS_pidfd_open, opt.pid, 0);
    if (pidfd < 0 || (opt.start != 0 && start_ticks(opt.pid) != opt.start)) {
        die(EXIT_RUNTIME, 0, "container %s is not running (its process %d is gone)", opt.name, opt.pid);
    }
    /* Everything about the container is read now, while /proc is still the host's. */
    int ns_mnt = open_ns(opt.pid, "mnt"), ns_pid = open_ns(opt.pid, "pid"), ns_net = open_ns(opt.pid, "net");
    int ns_uts = open_ns(opt.pid, "uts"), ns_ipc = open_ns(opt.pid, "ipc"), ns_cg = open_ns(opt.pid, "cgroup");
    int host_mnt = open_ns(getpid(), "mnt");
    char *environ_buf;
    size_t environ_len = read_environ(opt.pid, &environ_buf);
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) == NULL) {
        snprintf(cwd, sizeof cwd, "/");
    }

    /*
     * The container's tree must be cloned from inside its own mount namespace: the kernel refuses
     * to copy mounts of a namespace the caller is not in. The clone is detached (it belongs to no
     * namespace) and can be attached after returning to a copy of the host's.
     */
    join(ns_mnt, CLONE_NEWNS, "mount");
    int ctr_tree = (int)syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE | AT_RECURSIVE | O_CLOEXEC);
    if (ctr_tree < 0) {
        die(errno_code(errno), 1, "cannot clone the container's mounts");
    }
    if (setns(host_mnt, CLONE_NEWNS) != 0) {
        die(EXIT_INTERNAL, 1, "cannot return to the host's mount namespace");
    }
    close(host_mnt);
    build_root(&opt, ctr_tree, environ_buf, environ_len);
    free(environ_buf);

    join(ns_cg, CLONE_NEWCGROUP, "cgroup");
    join(ns_ipc, CLONE_NEWIPC, "ipc");
    join(ns_uts, CLONE_NEWUTS, "uts");
    if (opt.net) {
        join(ns_net, CLONE_NEWNET, "network");
    } else {
        close(ns_net);
    }
    join(ns_pid, CLONE_NEWPID, "pid"); /* for the children only: they are forked into it */
    prctl(PR_SET_NAME, SESSION_COMM);
    run_session(&opt, cwd, pidfd);
}
