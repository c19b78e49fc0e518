/* The porting layer on POSIX (mica_port.h): the monotonic clock and program files. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "mica_port.h"

void *mica_port_alloc(size_t bytes) {
    return calloc(1, bytes ? bytes : 1);
}

void mica_port_free(void *p) {
    free(p);
}

uint64_t mica_port_time_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Reads up to want bytes; a file that shrinks meanwhile ends short (the format's size check
 * refuses it). 0, or the errno of a read error. */
static int read_all(int fd, uint8_t *buf, size_t want, size_t *got) {
    *got = 0;
    while (*got < want) {
        ssize_t n = read(fd, buf + *got, want - *got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return 0;
}

int mica_port_read_file(const char *path, size_t max_bytes, uint8_t **out, size_t *len,
                        int *too_big, char *err, size_t errlen) {
    *too_big = 0;
    int fd = open(path,
                  O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* O_NONBLOCK: opening a FIFO must not wait */
    if (fd < 0) {
        snprintf(err, errlen, "cannot open (%s)", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(
            err, errlen,
            "not a regular file (a program must be a .mica file, not a FIFO, device or directory)");
        return -1;
    }
    if ((uint64_t)st.st_size > (uint64_t)max_bytes) {
        close(fd);
        *too_big = 1;
        snprintf(err, errlen, "%lld bytes, larger than the %zu MiB a program may have",
                 (long long)st.st_size, max_bytes >> 20);
        return -1;
    }
    size_t want = (size_t)st.st_size;
    uint8_t *buf = mica_port_alloc(want);
    if (!buf) {
        close(fd);
        snprintf(err, errlen, "out of memory for %zu bytes", want);
        return -1;
    }
    int e = read_all(fd, buf, want, len);
    close(fd);
    if (e) {
        mica_port_free(buf);
        snprintf(err, errlen, "read error (%s)", strerror(e));
        return -1;
    }
    *out = buf;
    return 0;
}
