/* Exec storm for boxtrace's benchmark: forks and execs "/bin/true TAG-<i>" count times, one at a
 * time, waiting for each child. Two of these run in parallel with disjoint index ranges.
 * usage: storm TAG FIRST COUNT */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: storm TAG FIRST COUNT\n");
        return 2;
    }
    const char *tag = argv[1];
    long first = atol(argv[2]), count = atol(argv[3]);
    char arg[128];
    for (long i = first; i < first + count; i++) {
        snprintf(arg, sizeof arg, "%s-%ld", tag, i);
        pid_t pid = fork();
        if (pid == 0) {
            char *const child_argv[] = {"/bin/true", arg, NULL};
            execv("/bin/true", child_argv);
            _exit(127);
        }
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        int status;
        waitpid(pid, &status, 0);
    }
    return 0;
}
