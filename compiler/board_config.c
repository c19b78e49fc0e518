/* A board description's "accelerator" object (hw/boards/<name>.json) as a mica_hw_config_t.
 *
 * Why a small reader here and not a header generated at build time: `--config FILE` takes any
 * user file at run time, so the compiler must read JSON itself. The reader is strict (RFC 8259
 * syntax, no trailing commas or comments), bounded (MICA_BOARD_MAX_BYTES, nesting depth 16,
 * names 32 bytes) and every rejection is one line naming the file, the key and the value. */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "board_config.h"

typedef struct {
    const char *start, *p, *end, *what;
    char *err;
    size_t errlen;
    int depth;
} jr_t;

static int jfail(jr_t *r, const char *fmt, ...) {
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->err && r->errlen)
        snprintf(r->err, r->errlen, "%.*s: %s", 200, r->what, msg);
    return -1;
}

static void skip_ws(jr_t *r) {
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int expect(jr_t *r, char c) {
    skip_ws(r);
    if (r->p >= r->end || *r->p != c)
        return jfail(r, "expected '%c' at byte %ld", c, (long)(r->p - r->start));
    r->p++;
    return 0;
}

/* A string into out (escapes kept verbatim except \" and \\; names need nothing more), or
 * skipped when out is NULL (documentation strings of any length). */
static int read_string(jr_t *r, char *out, size_t n) {
    size_t k = 0;
    if (expect(r, '"'))
        return -1;
    while (r->p < r->end && *r->p != '"') {
        unsigned char c = (unsigned char)*r->p++;
        if (c < 0x20)
            return jfail(r, "control character 0x%02x inside a string", c);
        if (c == '\\') {
            if (r->p >= r->end || !strchr("\"\\/bfnrtu", *r->p))
                return jfail(r, "bad escape in a string");
            c = (unsigned char)*r->p++;
        }
        if (!out)
            continue;
        if (k + 1 >= n)
            return jfail(r, "string longer than %zu bytes", n - 1);
        out[k++] = (char)c;
    }
    if (r->p >= r->end)
        return jfail(r, "unterminated string");
    r->p++;
    if (out)
        out[k] = 0;
    return 0;
}

static int read_number(jr_t *r, double *v) {
    skip_ws(r);
    const char *s = r->p;
    if (s < r->end && *s == '-')
        s++;
    while (s < r->end && strchr("0123456789.eE+-", *s))
        s++;
    char buf[40];
    size_t n = (size_t)(s - r->p);
    if (n == 0 || n >= sizeof buf)
        return jfail(r, "expected a value");
    memcpy(buf, r->p, n);
    buf[n] = 0;
    char *e;
    errno = 0;
    *v = strtod(buf, &e);
    if (*e || errno || (buf[0] == '0' && n > 1 && buf[1] >= '0' && buf[1] <= '9'))
        return jfail(r, "bad number '%s'", buf);
    r->p = s;
    return 0;
}

static int skip_value(jr_t *r);

/* Walks an object or array, calling on_key for each member of an object (NULL: skip values). */
typedef int (*member_fn)(jr_t *r, const char *key, void *ctx);
static int walk_object(jr_t *r, member_fn on_key, void *ctx) {
    char key[64];
    if (expect(r, '{'))
        return -1;
    if (++r->depth > 16)
        return jfail(r, "nested deeper than 16");
    skip_ws(r);
    if (r->p < r->end && *r->p == '}')
        return r->p++, r->depth--, 0;
    for (;;) {
        skip_ws(r);
        if (read_string(r, key, sizeof key) || expect(r, ':'))
            return -1;
        if (on_key ? on_key(r, key, ctx) : skip_value(r))
            return -1;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        r->depth--;
        return expect(r, '}');
    }
}

static int skip_array(jr_t *r) {
    if (expect(r, '['))
        return -1;
    if (++r->depth > 16)
        return jfail(r, "nested deeper than 16");
    skip_ws(r);
    if (r->p < r->end && *r->p == ']')
        return r->p++, r->depth--, 0;
    for (;;) {
        if (skip_value(r))
            return -1;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        r->depth--;
        return expect(r, ']');
    }
}

static int skip_value(jr_t *r) {
    double d;
    skip_ws(r);
    if (r->p >= r->end)
        return jfail(r, "unexpected end of file");
    switch (*r->p) {
    case '{':
        return walk_object(r, NULL, NULL);
    case '[':
        return skip_array(r);
    case '"':
        return read_string(r, NULL, 0);
    default:
        for (const char *lit = "true\0false\0null\0"; *lit; lit += strlen(lit) + 1)
            if ((size_t)(r->end - r->p) >= strlen(lit) && !strncmp(r->p, lit, strlen(lit)))
                return r->p += strlen(lit), 0;
        return read_number(r, &d);
    }
}

/* ---- the board description ---- */

static const struct {
    const char *key;
    size_t offset;
    uint32_t lo, hi;
} int_keys[] = {
    {"rows", offsetof(mica_hw_config_t, rows), 1, 256},
    {"cols", offsetof(mica_hw_config_t, cols), 1, 256},
    {"aspad_depth", offsetof(mica_hw_config_t, aspad_depth), 1, 65536},
    {"wspad_depth", offsetof(mica_hw_config_t, wspad_depth), 1, 65536},
    {"acc_depth", offsetof(mica_hw_config_t, acc_depth), 1, 65536},
    {"param_sets", offsetof(mica_hw_config_t, param_sets), 1, 256},
    {"bus_bytes", offsetof(mica_hw_config_t, bus_bytes), 1, 64},
    {"req_lanes", offsetof(mica_hw_config_t, req_lanes), 0, 256},
    {"req_mul_cycles", offsetof(mica_hw_config_t, req_mul_cycles), 1, 4},
};

/* "absent": ["dwconv_mac", ...], names of hw/mica.json features. */
static int read_absent(jr_t *r, uint32_t *absent) {
    char name[33];
    *absent = 0;
    if (expect(r, '['))
        return -1;
    skip_ws(r);
    if (r->p < r->end && *r->p == ']')
        return r->p++, 0;
    for (;;) {
        if (read_string(r, name, sizeof name))
            return -1;
        uint32_t i = 0;
        while (i < MICA_NUM_FEATURES && strcmp(name, mica_feature_names[i]))
            i++;
        if (i == MICA_NUM_FEATURES)
            return jfail(r,
                         "accelerator.absent: '%s' is not a feature (dwconv_mac, dwconv_max, "
                         "rescale, round_real, round_single)",
                         name);
        *absent |= 1u << i;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        return expect(r, ']');
    }
}

/* Not a hardware parameter: the external memory latency (cycles, the rtl backend's latency=
 * range) the compiler's cycle estimate assumes, for design-space sweeps. */
static int read_mem_latency(jr_t *r, uint32_t *out) {
    double v;
    if (read_number(r, &v))
        return -1;
    if (!(v >= 1 && v <= 1000) || v != (double)(uint32_t)v)
        return jfail(r, "accelerator.mem_latency = %g: must be an integer 1..1000", v);
    *out = (uint32_t)v;
    return 0;
}

static int accel_member(jr_t *r, const char *key, void *ctx) {
    mica_board_cfg_t *b = ctx;
    if (key[0] == '_' || !strcmp(key, "rtl"))
        return skip_value(r); /* documentation; RTL-only parameters (no effect on programs) */
    if (!strcmp(key, "absent"))
        return read_absent(r, &b->hw.absent);
    if (!strcmp(key, "mem_latency"))
        return read_mem_latency(r, &b->mem_latency);
    for (size_t i = 0; i < sizeof int_keys / sizeof int_keys[0]; i++) {
        if (strcmp(key, int_keys[i].key))
            continue;
        double v;
        if (read_number(r, &v))
            return -1;
        /* range first: converting an out-of-range double is undefined (NaN fails both tests) */
        if (!(v >= int_keys[i].lo && v <= int_keys[i].hi) || v != (double)(uint32_t)v)
            return jfail(r, "accelerator.%s = %g: must be an integer %u..%u", key, v,
                         int_keys[i].lo, int_keys[i].hi);
        memcpy((char *)&b->hw + int_keys[i].offset, &(uint32_t){(uint32_t)v}, sizeof(uint32_t));
        b->seen |= 1u << i;
        return 0;
    }
    return jfail(r,
                 "accelerator: unknown key '%s' (rows, cols, aspad_depth, wspad_depth, "
                 "acc_depth, param_sets, bus_bytes, req_lanes, req_mul_cycles, absent, "
                 "mem_latency, rtl)",
                 key);
}

static int board_member(jr_t *r, const char *key, void *ctx) {
    mica_board_cfg_t *b = ctx;
    if (!strcmp(key, "name")) {
        if (read_string(r, b->name, sizeof b->name))
            return -1;
        for (const char *c = b->name; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
                return jfail(r, "name '%s': use a-z, 0-9, '_' and '-'", b->name);
        return 0;
    }
    if (!strcmp(key, "accelerator")) {
        b->has_accel = 1;
        return walk_object(r, accel_member, b);
    }
    return skip_value(r); /* fpga, clock, uart, ...: the board tools' business */
}

static void board_init(mica_board_cfg_t *b) {
    memset(b, 0, sizeof *b);
    b->hw = (mica_hw_config_t){MICA_ROWS_DEFAULT,        MICA_COLS_DEFAULT,
                               MICA_ASPAD_DEPTH_DEFAULT, MICA_WSPAD_DEPTH_DEFAULT,
                               MICA_ACC_DEPTH_DEFAULT,   MICA_PARAM_SETS_DEFAULT,
                               MICA_BUS_BYTES_DEFAULT,   MICA_REQ_LANES_DEFAULT,
                               MICA_ABSENT_DEFAULT,      MICA_REQ_MUL_CYCLES_DEFAULT};
}

static int board_finish(jr_t *r, mica_board_cfg_t *b) {
    const mica_hw_config_t *h = &b->hw;
    if (!b->has_accel)
        return jfail(r, "no \"accelerator\" object");
    if ((b->seen & 3u) != 3u)
        return jfail(r, "accelerator: rows and cols are required");
    if (h->bus_bytes & (h->bus_bytes - 1))
        return jfail(r, "accelerator.bus_bytes = %u: must be a power of two", h->bus_bytes);
    if (h->req_mul_cycles != 1 && h->req_mul_cycles != 4)
        return jfail(r, "accelerator.req_mul_cycles = %u: must be 1 or 4", h->req_mul_cycles);
    if (h->req_lanes > h->cols)
        return jfail(r, "accelerator.req_lanes = %u: must be 0..cols (%u)", h->req_lanes, h->cols);
    if (!b->name[0])
        snprintf(b->name, sizeof b->name, "%s", "unnamed");
    return 0;
}

int mica_board_config_parse(const char *text, size_t len, const char *what, mica_board_cfg_t *out,
                            char *err, size_t errlen) {
    jr_t r = {text, text, text + len, what, err, errlen, 0};
    if (len > MICA_BOARD_MAX_BYTES)
        return jfail(&r, "%zu bytes, more than a board description may have (%u)", len,
                     MICA_BOARD_MAX_BYTES);
    board_init(out);
    if (walk_object(&r, board_member, out))
        return -1;
    skip_ws(&r);
    if (r.p != r.end)
        return jfail(&r, "text after the top-level object");
    return board_finish(&r, out);
}

int mica_board_config_load(const char *path, mica_board_cfg_t *out, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%.*s: cannot open: %s", 300, path, strerror(errno));
        return -1;
    }
    char *buf = malloc(MICA_BOARD_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MICA_BOARD_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf) {
        snprintf(err, errlen, "%.*s: out of memory", 300, path);
        return -1;
    }
    int rc = mica_board_config_parse(buf, n, path, out, err, errlen);
    free(buf);
    return rc;
}
