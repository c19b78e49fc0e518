/* Child processes and files without a shell: user-given strings (model paths, directories) go
 * to the child as separate argv entries and to the file system through C calls, so quotes,
 * spaces, `$()`, backticks, semicolons or newlines in a name are just characters. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "mica_python.h"

extern char **environ;

volatile sig_atomic_t cli_interrupted;

const char *cli_python(void) {
    const char *py = getenv("PYTHON");
    if (py && *py)
        return py;
    if (MICA_PYTHON[0] && access(MICA_PYTHON, X_OK) == 0)
        return MICA_PYTHON;
    return "python3";
}

static void on_interrupt(int sig) {
    cli_interrupted = sig;
}

void cli_catch_interrupts(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int cli_spawn_wait(char *const argv[], const char *stderr_path, double timeout_s, char *err,
                   size_t errlen) {
    pid_t pid;
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (stderr_path)
        posix_spawn_file_actions_addopen(&fa, 2, stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(rc));
        return -1;
    }
    struct timespec tick = {0, 20 * 1000 * 1000};
    double waited = 0;
    for (;;) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(status))
                return WEXITSTATUS(status);
            snprintf(err, errlen, "%s was killed by signal %d", argv[0], WTERMSIG(status));
            return -1;
        }
        if (r < 0 && errno != EINTR) {
            snprintf(err, errlen, "waiting for %s: %s", argv[0], strerror(errno));
            return -1;
        }
        if (cli_interrupted) {
            kill(pid, SIGTERM);
            waitpid(pid, &status, 0);
            snprintf(err, errlen, "interrupted (signal %d)", (int)cli_interrupted);
            return -1;
        }
        if (waited > timeout_s) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            snprintf(err, errlen, "%s did not finish within %.0f s and was stopped", argv[0],
                     timeout_s);
            return -1;
        }
        nanosleep(&tick, NULL);
        waited += 0.02;
    }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int cli_remove_tree(const char *dir) {
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
