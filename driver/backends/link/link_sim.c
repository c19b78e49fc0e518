/* Transport sim=BOARD: starts the Verilated board top (build/sim/board/mica-board-sim-BOARD) and
 * talks to its model of the board's FTDI chip over a socket pair. The simulator drives the
 * board's UART pins bit by bit; only this byte pipe differs from the USB path. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "link_transport.h"

#ifndef MICA_SOURCE_DIR
#define MICA_SOURCE_DIR "."
#endif

extern char **environ;

/* Where the board simulators are: $MICA_BOARD_SIM_DIR, else this source tree's build. */
static void sim_path(const char *board, char *out, size_t n) {
    const char *dir = getenv("MICA_BOARD_SIM_DIR");
    if (dir && *dir)
        snprintf(out, n, "%s/mica-board-sim-%s", dir, board);
    else
        snprintf(out, n, "%s/build/sim/board/mica-board-sim-%s", MICA_SOURCE_DIR, board);
}

static pid_t spawn_sim(const char *path, int child_fd, char *const argv[]) {
    posix_spawn_file_actions_t fa;
    pid_t pid = 0;
    if (posix_spawn_file_actions_init(&fa))
        return -1;
    /* fd 3 in the child is its end of the socket pair; stdout goes away (no chatter), stderr
     * stays so a simulator failure can say why. */
    int bad = posix_spawn_file_actions_adddup2(&fa, child_fd, 3) ||
              posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) ||
              posix_spawn(&pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return bad ? -1 : pid;
}

pid_t link_spawn_board_sim(const mica_board_t *b, int fd, uint32_t baud, double ber, uint64_t seed,
                           char *err, size_t n) {
    char path[512], baud_s[16], ber_s[32], seed_s[24];
    sim_path(b->name, path, sizeof path);
    if (access(path, X_OK)) {
        snprintf(err, n, "link:sim=%s: board simulator %s is missing (build it: make board-sim)",
                 b->name, path);
        return -1;
    }
    snprintf(baud_s, sizeof baud_s, "%u", baud);
    snprintf(ber_s, sizeof ber_s, "%.9g", ber);
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
    char *argv[] = {path, "--fd", "3", "--baud", baud_s, "--ber", ber_s, "--seed", seed_s, NULL};
    pid_t pid = spawn_sim(path, fd, argv);
    if (pid <= 0) {
        snprintf(err, n, "link:sim=%s: cannot start %s", b->name, path);
        return -1;
    }
    return pid;
}

int link_open_sim(link_transport_t *t, const mica_board_t *b, uint32_t baud, double ber,
                  uint64_t seed, char *err, size_t n) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        snprintf(err, n, "link:sim=%s: socketpair: %s", b->name, strerror(errno));
        return -1;
    }
    pid_t pid = link_spawn_board_sim(b, sv[1], baud, ber, seed, err, n);
    close(sv[1]);
    if (pid <= 0) {
        close(sv[0]);
        return -1;
    }
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    t->fd = sv[0];
    t->child = pid;
    t->pipe = link_fd_pipe(t);
    /* A simulated board runs slower than a real one: replies take wall-clock seconds. */
    t->default_timeout_ms = 10000;
    snprintf(t->what, sizeof t->what, "Verilated %s board, UART %u baud%s", b->name, baud,
             ber > 0 ? ", fault injection" : "");
    return 0;
}
