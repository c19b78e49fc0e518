/* The pipe over a file descriptor (tty, TCP socket, socket to the board simulator), and closing
 * whatever a transport opened. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "link_transport.h"

/* A peer that accepts nothing for this long while we send is as dead as a silent one. */
#define WRITE_STALL_MS 5000

static int fd_write(void *ctx, const uint8_t *buf, size_t n) {
    link_transport_t *t = ctx;
    while (n) {
        struct pollfd p = {t->fd, POLLOUT, 0};
        int r = poll(&p, 1, WRITE_STALL_MS);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || (p.revents & (POLLERR | POLLHUP | POLLNVAL)))
            return -1;
        /* send: a peer that closed must give EPIPE, not a SIGPIPE that kills the process. */
        ssize_t w = send(t->fd, buf, n, MSG_NOSIGNAL);
        if (w < 0 && errno == ENOTSOCK)
            w = write(t->fd, buf, n);
        if (w < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (w <= 0)
            return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

static long fd_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms) {
    link_transport_t *t = ctx;
    for (;;) {
        struct pollfd p = {t->fd, POLLIN, 0};
        int r = poll(&p, 1, (int)timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        ssize_t got = read(t->fd, buf, cap);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        return got > 0 ? (long)got : -1; /* 0 bytes after POLLIN: the peer closed */
    }
}

uint64_t link_now_ms(void *ctx) {
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

mica_link_pipe_t link_fd_pipe(link_transport_t *t) {
    mica_link_pipe_t p = {t, fd_write, fd_read, link_now_ms};
    return p;
}

const mica_board_t *link_find_board(const char *name) {
    for (int i = 0; i < MICA_NUM_BOARDS; i++)
        if (!strcmp(mica_boards[i].name, name))
            return &mica_boards[i];
    return NULL;
}

void link_board_list(char *out, size_t n) {
    size_t at = 0;
    out[0] = 0;
    for (int i = 0; i < MICA_NUM_BOARDS && at < n; i++)
        at += (size_t)snprintf(out + at, n - at, "%s%s", i ? ", " : "", mica_boards[i].name);
}

/* The simulator exits when its socket closes; one that does not within a second is killed. */
static void reap_child(pid_t pid) {
    for (int i = 0; i < 100; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

void link_close_ftdi(link_transport_t *t);

void link_transport_close(link_transport_t *t) {
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    if (t->child > 0)
        reap_child(t->child);
    t->child = 0;
    if (t->ftdi)
        link_close_ftdi(t);
}
