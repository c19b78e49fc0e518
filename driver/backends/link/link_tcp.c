/* Transport tcp=HOST:PORT: a board simulator (mica-board-sim --listen) or a serial server on
 * another machine. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "link_transport.h"
#include "mica_escape.h"

#define CONNECT_TIMEOUT_MS 3000

/* "host:port" or "[v6]:port" into host and port. 0, or -1 when malformed. */
static int split_host_port(const char *spec, char *host, size_t hn, char *port, size_t pn) {
    const char *colon = strrchr(spec, ':');
    if (!colon || !colon[1] || strlen(colon + 1) >= pn)
        return -1;
    const char *h = spec;
    size_t hlen = (size_t)(colon - spec);
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    if (!hlen || hlen >= hn)
        return -1;
    memcpy(host, h, hlen);
    host[hlen] = 0;
    strcpy(port, colon + 1);
    for (const char *p = port; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    return 0;
}

static int connect_within(int fd, const struct sockaddr *a, socklen_t len) {
    if (connect(fd, a, len) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return -1;
    struct pollfd p = {fd, POLLOUT, 0};
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (poll(&p, 1, CONNECT_TIMEOUT_MS) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
        return -1;
    errno = soerr;
    return soerr ? -1 : 0;
}

int link_open_tcp(link_transport_t *t, const char *spec, char *err, size_t n) {
    char host[256], port[8], shown[128];
    mica_escape_name(spec, shown, sizeof shown);
    if (split_host_port(spec, host, sizeof host, port, sizeof port)) {
        snprintf(err, n, "link:tcp=%s: expected HOST:PORT (e.g. 127.0.0.1:5555)", shown);
        return -1;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai) {
        snprintf(err, n, "link:tcp=%s: %s", shown, gai_strerror(gai));
        return -1;
    }
    int fd = -1, saved = ECONNREFUSED;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd >= 0 && connect_within(fd, a->ai_addr, a->ai_addrlen)) {
            saved = errno ? errno : ETIMEDOUT;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, n, "link:tcp=%s: cannot connect: %s (is the board server running?)", shown,
                 strerror(saved));
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    t->fd = fd;
    t->pipe = link_fd_pipe(t);
    t->default_timeout_ms = 10000; /* the far end may be a simulator: slower than a board */
    snprintf(t->what, sizeof t->what, "tcp %s", shown);
    return 0;
}
