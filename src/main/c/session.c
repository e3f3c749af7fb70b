/*
 * The session's processes. The helper stays in the host's pid namespace and forks the session's
 * init (comm "boxtrace-debug") into the container's: it mounts a fresh /proc of that namespace,
 * becomes a child subreaper so that everything the session starts is re-parented to it rather than
 * to the container's pid 1 (which may never reap them), runs COMMAND (or the shell), and when
 * COMMAND ends kills and reaps whatever the session left running. So nothing of the session
 * outlives it, in the container or on the host.
 */
#include "helper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long the container's process may take to finish exiting after the kernel killed the session. */
#define CONTAINER_EXIT_WAIT_MS 2000

static volatile pid_t forward_to = -1;

static void forward(int sig) {
    if (forward_to > 0) {
        kill(forward_to, sig);
    }
}

/* Ctrl-C and Ctrl-\ reach the whole foreground group: the command decides, its keepers stay. */
static void keeper_signals(pid_t child) {
    forward_to = child;
    struct sigaction sa = {0};
    sa.sa_handler = SIG_IGN;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sa.sa_handler = forward;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static int status_code(int st) {
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void exec_command(const struct options *opt, const char *cwd) {
    struct sigaction sa = {0};
    sa.sa_handler = SIG_DFL;
    int sigs[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        sigaction(sigs[i], &sa, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    prctl(PR_SET_PDEATHSIG, 0);
    setenv("BOXTRACE_DEBUG_CONTAINER", opt->name, 1);
    setenv("BOXTRACE_DEBUG_ENVIRON", "/" SESSION_DIR "/environ", 1);
    char ps1[512];
    snprintf(ps1, sizeof ps1, "(debug %s) # ", opt->name);
    setenv("PS1", ps1, 1);
    /* The user's directory when the session's root has it (the host's root does), else /. */
    if (chdir(cwd) != 0 && chdir("/") != 0) {
        die(EXIT_INTERNAL, 1, "cannot enter /");
    }
    if (!opt->shell) {
        execvp(opt->command[0], opt->command);
        die(EXIT_RUNTIME, 1, "cannot run %s", opt->command[0]);
    }
    const char *shells[] = {getenv("SHELL"), "/bin/bash", "/bin/sh"};
    for (size_t i = 0; i < sizeof shells / sizeof shells[0]; i++) {
        const char *sh = shells[i];
        if (sh == NULL || sh[0] != '/' || access(sh, X_OK) != 0) {
            continue;
        }
        const char *base = strrchr(sh, '/') + 1;
        if (strcmp(base, "bash") == 0) {
            execl(sh, sh, "--rcfile", "/" SESSION_DIR "/bashrc", (char *)NULL);
        } else {
            execl(sh, sh, (char *)NULL);
        }
    }
    die(EXIT_RUNTIME, 0, "no shell in the session's root ($SHELL, /bin/bash, /bin/sh); give a COMMAND");
}

/* Kills the session's leftovers (re-parented to us, the subreaper) and reaps them until none is left. */
static void reap_leftovers(void) {
    pid_t self = getpid();
    for (;;) {
        DIR *d = opendir("/proc");
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            int pid = atoi(e->d_name);
            if (pid <= 0 || pid == self) {
                continue;
            }
            char path[64], buf[512];
            snprintf(path, sizeof path, "/proc/%d/stat", pid);
            int f = open(path, O_RDONLY | O_CLOEXEC);
            if (f < 0) {
                continue;
            }
            ssize_t n = read(f, buf, sizeof buf - 1);
            close(f);
            if (n <= 0) {
                continue;
            }
            buf[n] = '\0';
            char *p = strrchr(buf, ')');
            int ppid = 0;
            if (p != NULL && sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == self) {
                kill(pid, SIGKILL);
            }
        }
        if (d != NULL) {
            closedir(d);
        }
        if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD) {
            return;
        }
    }
}

/* The session's init, in the container's pid namespace. */
static void session_init(const struct options *opt, const char *cwd) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
        die(errno_code(errno), 1, "cannot mount /proc for the container's pid namespace");
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    pid_t cmd = fork();
    if (cmd < 0) {
        die(EXIT_RUNTIME, 1, "cannot fork");
    }
    if (cmd == 0) {
        exec_command(opt, cwd);
    }
    keeper_signals(cmd);
    int st = 0;
    for (;;) {
        int s;
        pid_t p = waitpid(-1, &s, 0);
        if (p == cmd) {
            st = s;
            break;
        }
        if (p < 0 && errno != EINTR) {
            die(EXIT_INTERNAL, 1, "lost the command");
        }
    }
    reap_leftovers();
    exit(status_code(st));
}

void run_session(const struct options *opt, const char *cwd, int pidfd) {
    pid_t init = fork();
    if (init < 0) {
        die(EXIT_RUNTIME, 1, "cannot fork into the container's pid namespace");
    }
    if (init == 0) {
        session_init(opt, cwd);
    }
    keeper_signals(init);
    int st;
    while (waitpid(init, &st, 0) < 0) {
        if (errno != EINTR) {
            die(EXIT_INTERNAL, 1, "lost the session");
        }
    }
    /*
     * When the container's pid 1 exits, the kernel kills every process of its pid namespace,
     * the session's too, with SIGKILL; the container's process finishes exiting once we have
     * reaped ours, and its pidfd then becomes readable.
     */
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
        if (poll(&pfd, 1, CONTAINER_EXIT_WAIT_MS) == 1) {
            die(EXIT_RUNTIME, 0, "container %s exited during the session; the session ended", opt->name);
        }
    }
    exit(status_code(st));
}
