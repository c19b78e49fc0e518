/* Backend "link": the accelerator on a board at the far end of the host link (hw/link.json).
 * Transports: sim=BOARD (the Verilated board top), ftdi=BOARD (libftdi1), tty=PATH, tcp=HOST:PORT.
 * CSR and memory accesses become frames; WAIT replaces polling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend_link.h"
#include "mica_backend.h"
#include "mica_isa.h"

/* One WAIT covers at most this much device time, so its reply comes well within a timeout. */
#define WAIT_SLICE_DIVISOR 20 /* 1/20 s */
#define OPEN_PING_TRIES 3

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

int link_state_open(link_state_t *s, const char *opts, char *err, size_t n) {
    memset(s, 0, sizeof *s);
    if (open_transport(s, opts, err, n))
        return -1;
    uint32_t timeout = (uint32_t)mica_opt_int(opts, "timeout_ms", s->t.default_timeout_ms);
    mica_link_init(&s->link, s->t.pipe, timeout, (int)mica_opt_int(opts, "tries", 16));
    /* A board that answers none of the first PINGs is absent, not noisy: give up sooner. */
    int tries = s->link.tries;
    s->link.tries = tries < OPEN_PING_TRIES ? tries : OPEN_PING_TRIES;
    mica_link_result_t r = mica_link_ping(&s->link, &s->info);
    if (r != MICA_LINK_OK)
        link_describe(s, r, "PING", err, n);
    s->link.tries = tries;
    if (r == MICA_LINK_OK && s->info.version != MICA_LINK_VERSION) {
        snprintf(err, n,
                 "link: %s speaks link version %u, this libmica %u (rebuild the "
                 "bitstream or libmica)",
                 s->t.what, s->info.version, MICA_LINK_VERSION);
        r = MICA_LINK_E_REPLY;
    }
    if (r != MICA_LINK_OK) {
        link_transport_close(&s->t);
        return -1;
    }
    return 0;
}

void link_describe(link_state_t *s, mica_link_result_t r, const char *what, char *err, size_t n) {
    if (r == MICA_LINK_E_NAK)
        snprintf(err, n, "link: %s refused %s: %s", s->t.what, what,
                 mica_link_status_text(s->link.nak_status));
    else if (r == MICA_LINK_E_DEAD && s->link.broken)
        snprintf(err, n,
                 "link: the connection to %s broke during %s (board unplugged, USB "
                 "error, or simulator gone)",
                 s->t.what, what);
    else if (r == MICA_LINK_E_DEAD)
        snprintf(err, n,
                 "link: no valid reply from %s to %s after %d tries of %u ms (board "
                 "unplugged, not programmed, wrong baud, or simulator gone)",
                 s->t.what, what, s->link.tries, s->link.timeout_ms);
    else
        snprintf(err, n, "link: %s: malformed %s exchange with %s", what,
                 r == MICA_LINK_E_ARG ? "request" : "reply", s->t.what);
}

/* ---- the mica_backend_t calls ---- */

static void note(link_state_t *s, mica_link_result_t r, const char *what) {
    if (r != MICA_LINK_OK && !s->fault[0])
        link_describe(s, r, what, s->fault, sizeof s->fault);
}

static int be_mem_write(void *st, uint32_t addr, const void *src, size_t n) {
    link_state_t *s = st;
    mica_link_result_t r = mica_link_mem_write(&s->link, addr, src, n);
    note(s, r, "MEM_WRITE");
    return r == MICA_LINK_OK ? 0 : -1;
}

static int be_mem_read(void *st, uint32_t addr, void *dst, size_t n) {
    link_state_t *s = st;
    mica_link_result_t r = mica_link_mem_read(&s->link, addr, dst, n);
    note(s, r, "MEM_READ");
    return r == MICA_LINK_OK ? 0 : -1;
}

static int be_csr_read_block(void *st, uint32_t addr, uint32_t *dst, int n) {
    link_state_t *s = st;
    mica_link_result_t r = mica_link_csr_read(&s->link, (uint16_t)addr, dst, n);
    note(s, r, "CSR_READ");
    return r == MICA_LINK_OK ? 0 : -1;
}

static uint32_t be_csr_read(void *st, uint32_t addr) {
    uint32_t v = 0;
    return be_csr_read_block(st, addr, &v, 1) ? 0 : v;
}

static void be_csr_write(void *st, uint32_t addr, uint32_t v) {
    link_state_t *s = st;
    note(s, mica_link_csr_write(&s->link, (uint16_t)addr, v), "CSR_WRITE");
}

static mica_wait_t be_wait(void *st, uint64_t max_cycles) {
    link_state_t *s = st;
    uint64_t slice = s->info.core_hz / WAIT_SLICE_DIVISOR, total = 0;
    if (!slice)
        slice = 1;
    while (total < max_cycles) {
        uint64_t ask = max_cycles - total < slice ? max_cycles - total : slice;
        uint32_t status = 0, waited = 0;
        mica_link_result_t r = mica_link_wait(&s->link, (uint32_t)ask, &status, &waited);
        note(s, r, "WAIT");
        if (r != MICA_LINK_OK)
            return MICA_WAIT_TIMEOUT; /* the runtime reads the fault and reports it */
        if (status & MICA_STATUS_ERROR)
            return MICA_WAIT_HW_ERROR;
        if (status & MICA_STATUS_DONE)
            return MICA_WAIT_DONE;
        total += waited ? waited : ask;
    }
    return MICA_WAIT_TIMEOUT;
}

static void be_reset(void *st) {
    link_state_t *s = st;
    note(s, mica_link_reset(&s->link), "RESET");
}

static int be_device_time_ns(void *st, uint64_t *ns) {
    link_state_t *s = st;
    mica_link_device_stats_t d;
    if (!s->info.core_hz || s->no_stats || mica_link_stats(&s->link, &d) != MICA_LINK_OK) {
        s->no_stats = 1; /* a bitstream without STATS NAKs it: stop asking */
        return -1;
    }
    *ns = (uint64_t)((double)d.cycles * 1e9 / s->info.core_hz);
    return 0;
}

static const char *be_fault(void *st) {
    link_state_t *s = st;
    return s->fault[0] ? s->fault : NULL;
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
    if (link_state_open(s, options, err, errlen)) {
        free(s);
        return -1;
    }
    if (mem_bytes > s->info.mem_bytes) {
        snprintf(err, errlen, "link: the program needs %u bytes of accelerator memory, %s has %u",
                 mem_bytes, s->t.what, s->info.mem_bytes);
        be_close(s);
        return -1;
    }
    mica_backend_t b = {.name = "link",
                        .state = s,
                        .mem_write = be_mem_write,
                        .mem_read = be_mem_read,
                        .csr_read = be_csr_read,
                        .csr_write = be_csr_write,
                        .wait = be_wait,
                        .reset = be_reset,
                        .close = be_close,
                        .csr_read_block = be_csr_read_block,
                        .fault = be_fault,
                        .device_time_ns = be_device_time_ns};
    *out = b;
    return 0;
}

const mica_backend_desc_t mica_backend_link = {"link", link_open, link_options,
                                               (int)(sizeof link_options / sizeof link_options[0])};
