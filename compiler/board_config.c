/* A board description's "accelerator" object (hw/boards/<name>.json) as a mica_hw_config_t.
 *
 * Why a small reader (json_read.h) and not a header generated at build time: `--config FILE` takes
 * any user file at run time, so the compiler must read JSON itself. Bounded (MICA_BOARD_MAX_BYTES,
 * names 32 bytes); every rejection is one line naming the file, the key and the value. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "board_config.h"
#include "json_read.h"

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
    if (jr_expect(r, '['))
        return -1;
    jr_skip_ws(r);
    if (r->p < r->end && *r->p == ']')
        return r->p++, 0;
    for (;;) {
        if (jr_string(r, name, sizeof name))
            return -1;
        uint32_t i = 0;
        while (i < MICA_NUM_FEATURES && strcmp(name, mica_feature_names[i]))
            i++;
        if (i == MICA_NUM_FEATURES) {
            char known[256] = "";
            for (uint32_t k = 0; k < MICA_NUM_FEATURES; k++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", k ? ", " : "",
                         mica_feature_names[k]);
            return jr_fail(r, "accelerator.absent: '%s' is not a feature (%s)", name, known);
        }
        *absent |= 1u << i;
        jr_skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        return jr_expect(r, ']');
    }
}

/* Not a hardware parameter: the external memory latency (cycles, the rtl backend's latency=
 * range) the compiler's cycle estimate assumes, for design-space sweeps. */
static int read_mem_latency(jr_t *r, uint32_t *out) {
    double v;
    if (jr_number(r, &v))
        return -1;
    if (!(v >= 1 && v <= 1000) || v != (double)(uint32_t)v)
        return jr_fail(r, "accelerator.mem_latency = %g: must be an integer 1..1000", v);
    *out = (uint32_t)v;
    return 0;
}

static int accel_member(jr_t *r, const char *key, void *ctx) {
    mica_board_cfg_t *b = ctx;
    if (key[0] == '_' || !strcmp(key, "rtl"))
        return jr_skip(r); /* documentation; RTL-only parameters (no effect on programs) */
    if (!strcmp(key, "absent"))
        return read_absent(r, &b->hw.absent);
    if (!strcmp(key, "mem_latency"))
        return read_mem_latency(r, &b->mem_latency);
    for (size_t i = 0; i < sizeof int_keys / sizeof int_keys[0]; i++) {
        if (strcmp(key, int_keys[i].key))
            continue;
        double v;
        if (jr_number(r, &v))
            return -1;
        /* range first: converting an out-of-range double is undefined (NaN fails both tests) */
        if (!(v >= int_keys[i].lo && v <= int_keys[i].hi) || v != (double)(uint32_t)v)
            return jr_fail(r, "accelerator.%s = %g: must be an integer %u..%u", key, v,
                           int_keys[i].lo, int_keys[i].hi);
        memcpy((char *)&b->hw + int_keys[i].offset, &(uint32_t){(uint32_t)v}, sizeof(uint32_t));
        b->seen |= 1u << i;
        return 0;
    }
    return jr_fail(r,
                   "accelerator: unknown key '%s' (rows, cols, aspad_depth, wspad_depth, "
                   "acc_depth, param_sets, bus_bytes, req_lanes, req_mul_cycles, absent, "
                   "mem_latency, rtl)",
                   key);
}

static int board_member(jr_t *r, const char *key, void *ctx) {
    mica_board_cfg_t *b = ctx;
    if (!strcmp(key, "name")) {
        if (jr_string(r, b->name, sizeof b->name))
            return -1;
        for (const char *c = b->name; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
                return jr_fail(r, "name '%s': use a-z, 0-9, '_' and '-'", b->name);
        return 0;
    }
    if (!strcmp(key, "accelerator")) {
        b->has_accel = 1;
        return jr_object(r, accel_member, b);
    }
    return jr_skip(r); /* fpga, clock, uart, ...: the board tools' business */
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
        return jr_fail(r, "no \"accelerator\" object");
    if ((b->seen & 3u) != 3u)
        return jr_fail(r, "accelerator: rows and cols are required");
    if (h->bus_bytes & (h->bus_bytes - 1))
        return jr_fail(r, "accelerator.bus_bytes = %u: must be a power of two", h->bus_bytes);
    if (h->req_mul_cycles != 1 && h->req_mul_cycles != 4)
        return jr_fail(r, "accelerator.req_mul_cycles = %u: must be 1 or 4", h->req_mul_cycles);
    if (h->req_lanes > h->cols)
        return jr_fail(r, "accelerator.req_lanes = %u: must be 0..cols (%u)", h->req_lanes,
                       h->cols);
    if (!b->name[0])
        snprintf(b->name, sizeof b->name, "%s", "unnamed");
    return 0;
}

int mica_board_config_parse(const char *text, size_t len, const char *what, mica_board_cfg_t *out,
                            char *err, size_t errlen) {
    jr_t r = {text, text, text + len, what, err, errlen, 0};
    if (len > MICA_BOARD_MAX_BYTES)
        return jr_fail(&r, "%zu bytes, more than a board description may have (%u)", len,
                       MICA_BOARD_MAX_BYTES);
    board_init(out);
    if (jr_object(&r, board_member, out))
        return -1;
    jr_skip_ws(&r);
    if (r.p != r.end)
        return jr_fail(&r, "text after the top-level object");
    return board_finish(&r, out);
}

int mica_board_config_load(const char *path, mica_board_cfg_t *out, char *err, size_t errlen) {
    size_t n;
    char *buf = jr_read_file(path, MICA_BOARD_MAX_BYTES, &n, err, errlen);
    if (!buf)
        return -1;
    int rc = mica_board_config_parse(buf, n, path, out, err, errlen);
    free(buf);
    return rc;
}
