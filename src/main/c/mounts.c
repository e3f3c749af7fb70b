/*
 * The session's root, built with the kernel's mount API (open_tree/move_mount/fsopen/fsmount,
 * Linux >= 5.2; "lowerdir+" for images needs >= 6.8). Everything happens in a new mount namespace
 * with private propagation, so no mount reaches the host's mount table, and every directory that is
 * created is created on a tmpfs that only this namespace sees: nothing lands on the host's disk or
 * in the container's filesystem.
 */
#include "helper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif
#define BT_FSCONFIG_SET_STRING 1
#define BT_FSCONFIG_CMD_CREATE 6

static int sys_open_tree(int dfd, const char *path, unsigned flags) {
    return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags) {
    return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static int sys_fsopen(const char *fs, unsigned flags) {
    return (int)syscall(SYS_fsopen, fs, flags);
}

static int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux) {
    return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static int sys_fsmount(int fd, unsigned flags, unsigned attrs) {
    return (int)syscall(SYS_fsmount, fd, flags, attrs);
}

static void attach(int tree, int dir, const char *at, const char *what) {
    if (sys_move_mount(tree, "", dir, at, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
        die(errno_code(errno), 1, "cannot mount %s at /%s", what, at);
    }
    close(tree);
}

/* A recursive copy of the host's mount tree at path (an absolute path of the old root), attached at dir/at. */
static void bind_host(const char *path, int dir, const char *at) {
    int tree = sys_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | AT_RECURSIVE | O_CLOEXEC);
    if (tree < 0) {
        die(errno_code(errno), 1, "cannot clone the host's %s", path);
    }
    attach(tree, dir, at, path);
}

/* A fresh tmpfs that only this namespace sees; returns a descriptor of its root, not yet attached. */
static int new_tmpfs(void) {
    int fs = sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0 || sys_fsconfig(fs, BT_FSCONFIG_SET_STRING, "mode", "0755", 0) != 0
            || sys_fsconfig(fs, BT_FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0) {
        die(errno_code(errno), 1, "cannot create a tmpfs");
    }
    int m = sys_fsmount(fs, FSMOUNT_CLOEXEC, 0);
    if (m < 0) {
        die(errno_code(errno), 1, "cannot mount a tmpfs");
    }
    close(fs);
    return m;
}

/*
 * The host's root as it is: every top-level entry of "/" recreated on the tmpfs (directories as
 * recursive copies of the host's mounts there, symlinks as symlinks, files bound), except /proc,
 * which gets a fresh instance for the container's pid namespace later, and the names the session
 * puts there itself.
 */
static void mirror_host_root(int root, const char *own_top) {
    DIR *d = opendir("/");
    if (d == NULL) {
        die(EXIT_RUNTIME, 1, "cannot list /");
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 || strcmp(n, SESSION_DIR) == 0
                || (own_top != NULL && strcmp(n, own_top) == 0)) {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "/%s", n);
        struct stat st;
        if (lstat(path, &st) != 0) {
            continue; /* removed meanwhile */
        }
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t len = readlink(path, target, sizeof target - 1);
            if (len >= 0) {
                target[len] = '\0';
                if (symlinkat(target, root, n) != 0) {
                    die(EXIT_RUNTIME, 1, "cannot recreate the symlink %s", path);
                }
            }
        } else if (S_ISDIR(st.st_mode)) {
            if (mkdirat(root, n, st.st_mode & 07777) != 0) {
                die(EXIT_RUNTIME, 1, "cannot create /%s in the session's root", n);
            }
            if (strcmp(n, "proc") != 0) {
                bind_host(path, root, n);
            }
        } else if (S_ISREG(st.st_mode)) {
            int f = openat(root, n, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
            if (f < 0) {
                die(EXIT_RUNTIME, 1, "cannot create /%s in the session's root", n);
            }
            close(f);
            bind_host(path, root, n);
        }
    }
    closedir(d);
}

/*
 * The image's root: an overlay of its layers (read-only, so the image is not modified) with an
 * upper directory on the staging tmpfs, so the tools can write and the writes vanish with the
 * session. The host's /dev (the user's terminal) and /sys are bound in.
 */
static int image_root(const struct options *opt, int stage) {
    if (mkdirat(stage, "upper", 0755) != 0 || mkdirat(stage, "work", 0755) != 0 || mkdirat(stage, "root", 0755) != 0) {
        die(EXIT_RUNTIME, 1, "cannot prepare the image's overlay");
    }
    /* upperdir/workdir are resolved from the current directory: the staging tmpfs. */
    if (fchdir(stage) != 0) {
        die(EXIT_INTERNAL, 1, "cannot enter the staging tmpfs");
    }
    int fs = sys_fsopen("overlay", FSOPEN_CLOEXEC);
    if (fs < 0) {
        die(EXIT_PRIVILEGE, 1, "overlayfs is not available");
    }
    for (int i = 0; i < opt->nlayers; i++) {
        if (sys_fsconfig(fs, BT_FSCONFIG_SET_STRING, "lowerdir+", opt->layers[i], 0) != 0) {
            die(EXIT_RUNTIME, 1, "cannot use the image layer %s (the kernel needs \"lowerdir+\", Linux 6.8)",
                opt->layers[i]);
        }
    }
    if (sys_fsconfig(fs, BT_FSCONFIG_SET_STRING, "upperdir", "upper", 0) != 0
            || sys_fsconfig(fs, BT_FSCONFIG_SET_STRING, "workdir", "work", 0) != 0
            || sys_fsconfig(fs, BT_FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0) {
        die(EXIT_RUNTIME, 1, "cannot create the image's overlay");
    }
    int ovl = sys_fsmount(fs, FSMOUNT_CLOEXEC, 0);
    if (ovl < 0) {
        die(EXIT_RUNTIME, 1, "cannot mount the image's overlay");
    }
    close(fs);
    if (sys_move_mount(ovl, "", stage, "root", MOVE_MOUNT_F_EMPTY_PATH) != 0) {
        die(EXIT_RUNTIME, 1, "cannot attach the image's overlay");
    }
    static const char *from_host[] = {"dev", "sys"};
    for (size_t i = 0; i < sizeof from_host / sizeof from_host[0]; i++) {
        mkdirat(ovl, from_host[i], 0755); /* exists in most images; created in the upper layer otherwise */
        char path[16];
        snprintf(path, sizeof path, "/%s", from_host[i]);
        bind_host(path, ovl, from_host[i]);
    }
    mkdirat(ovl, "proc", 0555);
    mkdirat(ovl, "tmp", 01777);
    return ovl;
}

static void write_file(int dir, const char *name, const char *buf, size_t len, mode_t mode) {
    int f = openat(dir, name, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode);
    if (f < 0) {
        die(EXIT_RUNTIME, 1, "cannot write /%s/%s", SESSION_DIR, name);
    }
    while (len > 0) {
        ssize_t n = write(f, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            die(EXIT_RUNTIME, 1, "cannot write /%s/%s", SESSION_DIR, name);
        }
        buf += n;
        len -= (size_t)n;
    }
    close(f);
}

/* The session's own files: the container's environment, and a bashrc that names the container in the prompt. */
static void session_files(const struct options *opt, int root, const char *environ_buf, size_t environ_len) {
    if (mkdirat(root, SESSION_DIR, 0755) != 0 && errno != EEXIST) {
        die(EXIT_RUNTIME, 1, "cannot create /%s", SESSION_DIR);
    }
    int dir = openat(root, SESSION_DIR, O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        die(EXIT_RUNTIME, 1, "cannot open /%s", SESSION_DIR);
    }
    write_file(dir, "environ", environ_buf, environ_len, 0600);
    char rc[1024];
    int n = snprintf(rc, sizeof rc, "[ -r ~/.bashrc ] && . ~/.bashrc\nPS1='(debug %s) \\u@\\h:\\w\\$ '\n", opt->name);
    write_file(dir, "bashrc", rc, (size_t)n, 0644);
    close(dir);
}

void build_root(const struct options *opt, int ctr_tree, const char *environ_buf, size_t environ_len) {
    if (unshare(CLONE_NEWNS) != 0) {
        die(errno_code(errno), 1, "cannot create a mount namespace");
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        die(errno_code(errno), 1, "cannot make the mount namespace private");
    }
    /*
     * The staging tmpfs goes on top of "/": the process's root stays the host's root underneath, so
     * absolute paths still reach the host while the new root is filled through the descriptor.
     */
    int stage = new_tmpfs();
    if (sys_move_mount(stage, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) != 0) {
        die(errno_code(errno), 1, "cannot mount the session's tmpfs");
    }
    const char *rel = opt->mount_at + 1;
    const char *slash = strchr(rel, '/');
    char top[256] = "";
    if (slash == NULL && strlen(rel) < sizeof top) {
        snprintf(top, sizeof top, "%s", rel);
    }
    int root;
    if (opt->layers == NULL) {
        /* A new top-level name shadows nothing: the host's entry of that name, if any, is left out. */
        struct stat st;
        int host_dir = stat(opt->mount_at, &st) == 0 && S_ISDIR(st.st_mode);
        mirror_host_root(stage, host_dir ? NULL : (top[0] ? top : NULL));
        root = stage;
    } else {
        root = image_root(opt, stage);
    }
    struct stat st;
    if (fstatat(root, rel, &st, 0) != 0) {
        if (slash != NULL) {
            die(EXIT_USAGE, 0, "--mount-at %s: must be an existing directory or a new name directly under /",
                opt->mount_at);
        }
        if (mkdirat(root, rel, 0755) != 0) {
            die(EXIT_RUNTIME, 1, "cannot create %s", opt->mount_at);
        }
    } else if (!S_ISDIR(st.st_mode)) {
        die(EXIT_USAGE, 0, "--mount-at %s: not a directory", opt->mount_at);
    }
    attach(ctr_tree, root, rel, "the container's root");
    session_files(opt, root, environ_buf, environ_len);

    /* Make it the root, and let go of the host's root so that nothing outside stays reachable. */
    if (fchdir(root) != 0) {
        die(EXIT_INTERNAL, 1, "cannot enter the session's root");
    }
    if (syscall(SYS_pivot_root, ".", ".") == 0) {
        if (umount2(".", MNT_DETACH) != 0) {
            die(EXIT_INTERNAL, 1, "cannot detach the host's root");
        }
    } else if (chroot(".") != 0) {
        die(errno_code(errno), 1, "cannot change into the session's root");
    }
    if (chdir("/") != 0) {
        die(EXIT_INTERNAL, 1, "cannot enter /");
    }
    if (root != stage) {
        close(root);
    }
    close(stage);
}
