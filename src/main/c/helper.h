/*
 * boxtrace-debug: the helper process behind `boxtrace debug` (see docs/debug.md for why it exists).
 * Shared declarations of its two parts: mounts.c builds the session's private root, helper.c does
 * the rest (arguments, namespaces, the session's processes).
 */
#ifndef BOXTRACE_DEBUG_HELPER_H
#define BOXTRACE_DEBUG_HELPER_H

#define _GNU_SOURCE
#include <stddef.h>

/* Exit codes, as boxtrace's own (io.boxtrace.cli.ExitCode): keep in sync. */
#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define EXIT_PRIVILEGE 3
#define EXIT_INTERNAL 4

/* The session's own directory in its root (keep in sync with io.boxtrace.debug.DebugLauncher). */
#define SESSION_DIR ".boxtrace"

struct options {
    int pid;                      /* the container's main process, host pid */
    unsigned long long start;     /* its start time, clock ticks after boot (/proc/PID/stat field 22) */
    const char *name;             /* the container's display name, already safe for a terminal */
    const char *mount_at;         /* where the container's root goes, absolute */
    int net;                      /* join the container's network namespace */
    const char **layers;          /* --tools IMAGE: the image's layer directories, top first; NULL: the host */
    int nlayers;
    int shell;                    /* no COMMAND: start a shell */
    char **command;               /* COMMAND ARGS..., NULL-terminated */
};

/* Prints "boxtrace debug: MSG" (with ": strerror(errno)" when with_errno) and exits with code. */
void die(int code, int with_errno, const char *fmt, ...) __attribute__((noreturn, format(printf, 3, 4)));

/* Exit code for a failed privileged call: EPERM means a missing capability. */
int errno_code(int err);

/*
 * Builds the session's root in a new private mount namespace and makes it the root: the host's
 * root (or the image's layers, writable through a throw-away tmpfs) with the container's tree,
 * cloned in its own mount namespace beforehand (ctr_tree), at opt->mount_at. Writes the files
 * given to SESSION_DIR. Returns with the process's root and cwd in the new root.
 */
void build_root(const struct options *opt, int ctr_tree, const char *environ_buf, size_t environ_len);

/*
 * Runs the session (session.c), already in the container's namespaces except pid, which its
 * children are forked into; exits with COMMAND's status. pidfd watches the container's process.
 */
void run_session(const struct options *opt, const char *cwd, int pidfd) __attribute__((noreturn));

#endif
