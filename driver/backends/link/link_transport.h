/* Byte pipes for the link backend: every transport ends as a mica_link_pipe_t (mica_link_host.h),
 * so the protocol engine never knows whether a USB cable or a Verilated board is behind it. */
#ifndef MICA_LINK_TRANSPORT_H
#define MICA_LINK_TRANSPORT_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "mica_boards.h"
#include "mica_link_host.h"

typedef struct link_transport {
    mica_link_pipe_t pipe;
    int fd;                      /* tty, tcp and sim: the descriptor behind the pipe; else -1 */
    pid_t child;                 /* sim: the board simulator's process; else 0 */
    void *ftdi;                  /* ftdi: struct ftdi_context * */
    uint32_t default_timeout_ms; /* per reply attempt, what the transport's latency needs */
    char what[192];              /* "FT2232H 0403:6010 interface B", "/dev/ttyUSB1", ... */
} link_transport_t;

/* Each returns 0, or -1 with a one-line message naming what to check. */
int link_open_tty(link_transport_t *t, const char *path, uint32_t baud, char *err, size_t n);
int link_open_tcp(link_transport_t *t, const char *host_port, char *err, size_t n);
int link_open_sim(link_transport_t *t, const mica_board_t *b, uint32_t baud, double ber,
                  uint64_t seed, char *err, size_t n);
/* Starts the board's simulator with fd as its FTDI side (its fd 3): the pid, or -1 with a message. */
pid_t link_spawn_board_sim(const mica_board_t *b, int fd, uint32_t baud, double ber, uint64_t seed,
                           char *err, size_t n);
int link_open_ftdi(link_transport_t *t, const mica_board_t *b, uint32_t baud, char *err, size_t n);
void link_transport_close(link_transport_t *t);

/* A pipe over a file descriptor (poll-based timeouts); fd is left open. */
mica_link_pipe_t link_fd_pipe(link_transport_t *t);
/* CLOCK_MONOTONIC in milliseconds (the pipes' now_ms). */
uint64_t link_now_ms(void *ctx);

/* The board named `name` from hw/boards/, or NULL. */
const mica_board_t *link_find_board(const char *name);
/* "icebreaker, ulx3s": the known boards, for messages. */
void link_board_list(char *out, size_t n);

#endif
