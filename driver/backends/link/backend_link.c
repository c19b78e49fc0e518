/* Backend "link": the accelerator on a board at the far end of the host link (hw/link.json).
 * Transports: sim=BOARD (the Verilated board top), ftdi=BOARD (libftdi1), tty=PATH, tcp=HOST:PORT.
 * CSR and memory accesses become frames; WAIT replaces polling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend_link.h"
#include "mica_backend.h"
#include "mica_isa.h"

static const char *const transports[] = {"sim", "ftdi", "tty", "tcp"};

static const mica_opt_spec_t link_options[] = {
    {"sim", MICA_OPT_PATH, 0, 0},          {"ftdi", MICA_OPT_PATH, 0, 0},
    {"tty", MICA_OPT_PATH, 0, 0},          {"tcp", MICA_OPT_PATH, 0, 0},
    {"baud", MICA_OPT_INT, 300, 12000000}, {"ber", MICA_OPT_RATE, 0, 0},
    {"seed", MICA_OPT_INT, 0, 1ll << 62},  {"timeout_ms", MICA_OPT_INT, 1, 600000},
    {"tries", MICA_OPT_INT, 1, 1000},
};

static const mica_board_t *need_board(const char *key, const char *name, char *err, size_t n) {
    const mica_board_t *b = link_find_board(name);
    if (!b) {
        char known[128], shown[64];
        link_board_list(known, sizeof known);
        snprintf(err, n, "link:%s=%s: unknown board (known: %s)", key,
                 mica_escape_name(name, shown, sizeof shown), known);
    }
    return b;
}

/* Exactly one transport key; its value in val. */
static int pick_transport(const char *opts, char *val, size_t n, char *err, size_t errlen) {
    int found = -1;
    for (int i = 0; i < 4; i++) {
        char v[MICA_OPT_VALUE_MAX + 1];
        if (!mica_opt_string(opts, transports[i], v, sizeof v))
            continue;
        if (found >= 0) {
            snprintf(err, errlen,
                     "link backend: give one transport, not both %s= and %s=", transports[found],
                     transports[i]);
            return -1;
        }
        found = i;
        snprintf(val, n, "%s", v);
    }
    if (found < 0)
        snprintf(err, errlen,
                 "link backend: name a transport: sim=BOARD, ftdi=BOARD, tty=PATH "
                 "or tcp=HOST:PORT");
    return found;
}

static int check_sim_only(const char *opts, int transport, char *err, size_t n) {
    char v[8];
    if (transport == 0)
        return 0;
    if (mica_opt_string(opts, "ber", v, sizeof v) || mica_opt_string(opts, "seed", v, sizeof v)) {
        snprintf(err, n,
                 "link backend: ber= and seed= inject faults into the simulated board's "
                 "line; they need sim=BOARD");
        return -1;
    }
    return 0;
}

static int open_transport(link_state_t *s, const char *opts, char *err, size_t n) {
    char val[MICA_OPT_VALUE_MAX + 1];
    int tr = pick_transport(opts, val, sizeof val, err, n);
    if (tr < 0 || check_sim_only(opts, tr, err, n))
        return -1;
    s->t.fd = -1;
    if (tr == 0 || tr == 1) {
        if (!(s->board = need_board(transports[tr], val, err, n)))
            return -1;
        uint32_t baud = (uint32_t)mica_opt_int(opts, "baud", s->board->baud);
        if (tr == 1 && baud > s->board->max_baud) {
            snprintf(err, n, "link:ftdi=%s: baud=%u is above the %s's %u", val, baud,
                     s->board->usb_chip, s->board->max_baud);
            return -1;
        }
        return tr == 0 ? link_open_sim(&s->t, s->board, baud, mica_opt_rate(opts, "ber", 0),
                                       (uint64_t)mica_opt_int(opts, "seed", 1), err, n)
                       : link_open_ftdi(&s->t, s->board, baud, err, n);
    }
    if (tr == 2)
        return link_open_tty(&s->t, val, (uint32_t)mica_opt_int(opts, "baud", 3000000), err, n);
    return link_open_tcp(&s->t, val, err, n);
}

int link_state_open(link_state_t *s, const char *opts, uint32_t mem_bytes, char *err, size_t n) {
    memset(s, 0, sizeof *s);
    if (open_transport(s, opts, err, n))
        return -1;
    uint32_t timeout = (uint32_t)mica_opt_int(opts, "timeout_ms", s->t.default_timeout_ms);
    if (mica_link_device_open(&s->dev, s->t.pipe, s->t.what, timeout,
                              (int)mica_opt_int(opts, "tries", 16), mem_bytes, err, n)) {
        link_transport_close(&s->t);
        return -1;
    }
    return 0;
}

void link_state_close(link_state_t *s) {
    link_transport_close(&s->t);
}

static void be_close(void *st) {
    link_state_close(st);
    free(st);
}

static int link_open(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                     mica_backend_t *out, char *err, size_t errlen) {
    (void)cfg; /* the runtime compares the program's configuration with the CONFIG CSRs */
    link_state_t *s = malloc(sizeof *s);
    if (!s) {
        snprintf(err, errlen, "link backend: out of memory");
        return -1;
    }
    if (link_state_open(s, options, mem_bytes, err, errlen)) {
        free(s);
        return -1;
    }
    mica_link_device_backend(&s->dev, out);
    if (s->board) /* a board's bitstream leaves out the counters its JSON does not build */
        out->counters_absent = ~s->board->cnt_mask;
    out->state = s; /* dev is the first member: the device's calls see their own state */
    out->close = be_close;
    return 0;
}

const mica_backend_desc_t mica_backend_link = {"link", link_open, link_options,
                                               (int)(sizeof link_options / sizeof link_options[0])};
