#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "npy.h"

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(err, errlen, __VA_ARGS__);                                                        \
        goto fail;                                                                                 \
    } while (0)

static int parse_dtype(const char *hdr, char *dtype, size_t *itemsize) {
    const char *d = strstr(hdr, "'descr'");
    if (!d || !(d = strchr(d + 7, '\'')))
        return -1;
    d++;
    struct {
        const char *s;
        char t;
        size_t n;
    } known[] = {{"|i1'", 'b', 1}, {"|u1'", 'B', 1}, {"<i2'", 'h', 2},
                 {"<i4'", 'i', 4}, {"<i8'", 'l', 8}, {"<f4'", 'f', 4}};
    for (unsigned i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strncmp(d, known[i].s, strlen(known[i].s)) == 0) {
            *dtype = known[i].t;
            *itemsize = known[i].n;
            return 0;
        }
    return -1;
}

static int parse_shape(const char *hdr, npy_array_t *a) {
    const char *s = strstr(hdr, "'shape'");
    if (!s || !(s = strchr(s, '(')))
        return -1;
    s++;
    a->rank = 0;
    a->count = 1;
    while (*s && *s != ')') {
        while (*s == ' ' || *s == ',')
            s++;
        if (*s == ')')
            break;
        char *end;
        long long v = strtoll(s, &end, 10);
        if (end == s || v < 0 || v > (1ll << 31) || a->rank >= 8)
            return -1;
        a->dims[a->rank++] = v;
        if (a->count > (1ull << 34) / ((size_t)v + 1))
            return -1;
        a->count *= (size_t)v;
        s = end;
    }
    return *s == ')' ? 0 : -1;
}

const char *npy_dtype_name(char dtype) {
    return dtype == 'b'   ? "int8"
           : dtype == 'h' ? "int16"
           : dtype == 'B' ? "uint8"
           : dtype == 'i' ? "int32"
           : dtype == 'l' ? "int64"
           : dtype == 'f' ? "float32"
                          : "unknown type";
}

/* Opens only regular files (a FIFO or device would block or never end), without blocking. */
static FILE *open_regular(const char *path, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

int npy_read(const char *path, npy_array_t *a, char *err, size_t errlen) {
    memset(a, 0, sizeof *a);
    FILE *f = open_regular(path, err, errlen);
    unsigned char pre[12];
    char *hdr = NULL;
    if (!f)
        return -1;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0)
        FAIL("%s: not a .npy file", path);
    size_t hlen = pre[8] | (size_t)pre[9] << 8;
    if (pre[6] >= 2) {
        if (fread(pre + 10, 1, 2, f) != 2)
            FAIL("%s: truncated header", path);
        hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    }
    if (hlen > (1u << 20) || !(hdr = calloc(1, hlen + 1)) || fread(hdr, 1, hlen, f) != hlen)
        FAIL("%s: bad header", path);
    if (strstr(hdr, "'fortran_order': True"))
        FAIL("%s: Fortran order is not supported", path);
    if (parse_dtype(hdr, &a->dtype, &a->itemsize))
        FAIL("%s: dtype must be int8, uint8, int16, int32, int64 or float32", path);
    if (parse_shape(hdr, a))
        FAIL("%s: bad shape in header", path);
    struct stat st;
    long at = ftell(f);
    if (fstat(fileno(f), &st) != 0 || at < 0 ||
        (uint64_t)a->count * a->itemsize > (uint64_t)st.st_size - (uint64_t)at)
        FAIL("%s: data truncated (the header promises %zu values)", path, a->count);
    a->data = malloc(a->count * a->itemsize + 1);
    if (!a->data)
        FAIL("%s: out of memory", path);
    if (fread(a->data, a->itemsize, a->count, f) != a->count)
        FAIL("%s: data truncated", path);
    free(hdr);
    fclose(f);
    return 0;
fail:
    free(hdr);
    npy_free(a);
    fclose(f);
    return -1;
}

int npy_write(const char *path, char dtype, int rank, const int64_t *dims, const void *data) {
    const char *descr = dtype == 'b'   ? "|i1"
                        : dtype == 'B' ? "|u1"
                        : dtype == 'h' ? "<i2"
                        : dtype == 'i' ? "<i4"
                        : dtype == 'f' ? "<f4"
                                       : "<i8";
    size_t item = dtype == 'b' || dtype == 'B'   ? 1
                  : dtype == 'h'                 ? 2
                  : dtype == 'i' || dtype == 'f' ? 4
                                                 : 8,
           count = 1;
    char shape[256] = "", hdr[512];
    for (int i = 0; i < rank; i++) {
        size_t l = strlen(shape);
        snprintf(shape + l, sizeof shape - l, "%lld,%s", (long long)dims[i],
                 i + 1 < rank ? " " : "");
        count *= (size_t)dims[i];
    }
    if (rank > 1)
        shape[strlen(shape) - 1] = 0; /* (a, b) but (a,) */
    int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                     descr, shape);
    int total = 10 + n + 1, pad = (64 - total % 64) % 64;
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
    pre[8] = (unsigned char)((n + pad + 1) & 0xFF);
    pre[9] = (unsigned char)((n + pad + 1) >> 8);
    int ok = fwrite(pre, 1, 10, f) == 10 && fwrite(hdr, 1, (size_t)n, f) == (size_t)n;
    for (int i = 0; i < pad && ok; i++)
        ok = fputc(' ', f) != EOF;
    ok = ok && fputc('\n', f) != EOF && fwrite(data, item, count, f) == count;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

void npy_free(npy_array_t *a) {
    free(a->data);
    a->data = NULL;
}
