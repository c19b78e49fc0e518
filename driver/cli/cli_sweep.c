/* mica sweep: design-space sweeps. The sweep itself (grid, parallel compiles, resume, RTL
 * confirmation, Slurm array jobs, plots) is hw/study/sweep.py; this runs it with the Python
 * recorded at build time and this mica binary, every argument passed as its own argv entry. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

#ifndef MICA_SOURCE_DIR
#define MICA_SOURCE_DIR "."
#endif
#define MAX_SWEEP_ARGS 64

int cli_sweep(int argc, char **argv) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "%s sweep: cannot find this program's path: %s\n", cli_prog,
                strerror(errno));
        return 1;
    }
    self[n] = 0;
    if (argc > MAX_SWEEP_ARGS) {
        fprintf(stderr, "%s sweep: %d arguments, more than the %d a sweep takes\n", cli_prog,
                argc - 1, MAX_SWEEP_ARGS);
        return 2;
    }
    char script[] = MICA_SOURCE_DIR "/hw/study/sweep.py";
    char *args[MAX_SWEEP_ARGS + 6];
    int a = 0;
    args[a++] = (char *)cli_python();
    args[a++] = script;
    args[a++] = "--mica";
    args[a++] = self;
    for (int i = 1; i < argc; i++)
        args[a++] = argv[i];
    args[a] = NULL;
    execvp(args[0], args);
    fprintf(stderr, "%s sweep: cannot start %s: %s\n", cli_prog, args[0], strerror(errno));
    return 1;
}
