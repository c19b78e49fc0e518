/* Backend "mcu": the program runs as Cortex-M4 firmware (firmware/, the same runtime core) in
 * QEMU, offloading its accelerator steps over a UART link to the Verilated board top
 * (accel=sim[,board=B]) or running them on the MCU (accel=none). The runtime hands the whole
 * program over (load_program / invoke_program); the firmware streams outputs and per-step
 * figures back. Inputs and outputs pass through a host copy of the arena. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "link_transport.h"
#include "mcu_qemu.h"
#include "mcu_stream.h"
#include "mica_backend.h"
#include "mica_fw_stream.h"
#include "mica_options.h"
#include "mica_program.h"

#define DEFAULT_TIMEOUT_MS 600000 /* per message: a Verilated board is slow */

static const mica_opt_spec_t mcu_options[] = {
    {"accel", MICA_OPT_PATH, 0, 0},
    {"board", MICA_OPT_PATH, 0, 0},
    {"fallback", MICA_OPT_PATH, 0, 0},
    {"timeout_ms", MICA_OPT_INT, 1, 3600000},
    {"link_timeout_ms", MICA_OPT_INT, 1, 600000},
    {"ber", MICA_OPT_RATE, 0, 0},
    {"die_after_ms", MICA_OPT_INT, 1, 3600000},
};

typedef struct {
    mcu_accel_t accel;         /* accel=sim: the Verilated board on the MCU's UART1 */
    const mica_board_t *board; /* accel=sim or absent: what the firmware expects on UART1 */
    uint32_t die_after_ms;     /* fault injection: the board dies this long into each invoke */
    int fallback_cpu;
    uint32_t timeout_ms, link_timeout_ms;
    uint8_t *mem; /* the host's copy of the arena: inputs before an invoke, outputs after */
    uint32_t mem_bytes;
    const mica_program_t *p;
    mcu_t mcu;
    int started;
    uint32_t on_cpu, link_tx, link_rx, pool_peak; /* the last RESULT's figures */
    char note[200];                               /* why it fell back */
} mcu_state_t;

static int mem_write(void *st, uint32_t addr, const void *src, size_t n) {
    mcu_state_t *s = st;
    if (addr > s->mem_bytes || n > s->mem_bytes - addr)
        return -1;
    memcpy(s->mem + addr, src, n);
    return 0;
}

static int mem_read(void *st, uint32_t addr, void *dst, size_t n) {
    mcu_state_t *s = st;
    if (addr > s->mem_bytes || n > s->mem_bytes - addr)
        return -1;
    memcpy(dst, s->mem + addr, n);
    return 0;
}

/* The whole program runs on the MCU: no CSR, no accelerator of its own to wait for here. */
static uint32_t no_csr_read(void *st, uint32_t addr) {
    (void)st, (void)addr;
    return 0;
}
static void no_csr_write(void *st, uint32_t addr, uint32_t v) {
    (void)st, (void)addr, (void)v;
}
static mica_wait_t no_wait(void *st, uint64_t max_cycles) {
    (void)st, (void)max_cycles;
    return MICA_WAIT_HW_ERROR;
}
static void no_reset(void *st) {
    (void)st;
}

/* SETUP with the firmware's backend spec, then HELLO must describe this program. */
static int handshake(mcu_state_t *s, char *err, size_t n) {
    uint8_t setup[128];
    mica_fw_put32(setup, (uint32_t)s->fallback_cpu);
    int len = s->board ? snprintf((char *)setup + 4, sizeof setup - 4, "link:timeout_ms=%u",
                                  s->link_timeout_ms)
                       : snprintf((char *)setup + 4, sizeof setup - 4, "cpu");
    if (mcu_send(&s->mcu, MICA_FW_SETUP, setup, 4 + (size_t)len + 1, err, n))
        return -1;
    uint32_t type;
    uint8_t *p = NULL;
    size_t plen;
    if (mcu_recv(&s->mcu, &type, &p, &plen, err, n))
        return -1;
    int rc = type == MICA_FW_HELLO ? mcu_check_hello(s->p, p, plen, err, n) : -1;
    if (type != MICA_FW_HELLO)
        snprintf(err, n, "mcu: the firmware answered SETUP with message type %u", type);
    free(p);
    return rc;
}

static int load_program(void *st, const mica_program_t *p, char *err, size_t n) {
    mcu_state_t *s = st;
    s->p = p;
    if (mcu_start(&s->mcu, p, &s->accel, s->timeout_ms, err, n))
        return -1;
    s->started = 1;
    return handshake(s, err, n);
}

/* RESULT (mica_fw_stream.h): figures, outputs into the arena copy, per-step {cycles, MCU ns}. */
static int take_result(mcu_state_t *s, const uint8_t *r, size_t len, uint64_t *cycles, uint64_t *ns,
                       char *err, size_t n) {
    const mica_program_t *p = s->p;
    mcu_result_t res;
    if (mcu_parse_result(p, r, len, &res, err, n))
        return -1;
    if (res.status) {
        snprintf(err, n, "mcu: firmware: %.400s", res.text);
        return -1;
    }
    s->on_cpu = res.on_cpu;
    s->link_tx = res.link_tx;
    s->link_rx = res.link_rx;
    s->pool_peak = res.pool_peak;
    snprintf(s->note, sizeof s->note, "%s", res.text);
    const uint8_t *o = res.outputs;
    for (uint32_t i = 0; i < p->hdr.noutputs; i++) {
        const mica_prog_tensor_t *t = &p->tensors[p->outputs[i]];
        memcpy(s->mem + t->addr, o, t->bytes);
        o += t->bytes;
    }
    o = res.steps;
    for (uint32_t i = 0; i < p->hdr.nsteps; i++, o += 16) {
        cycles[i] = mica_fw_get32(o) | (uint64_t)mica_fw_get32(o + 4) << 32;
        ns[i] = mica_fw_get32(o + 8) | (uint64_t)mica_fw_get32(o + 12) << 32;
    }
    return 0;
}

static int invoke_program(void *st, uint64_t *cycles, uint64_t *ns, char *err, size_t n) {
    mcu_state_t *s = st;
    const mica_program_t *p = s->p;
    size_t in = mcu_io_bytes(p, p->inputs, p->hdr.ninputs), at = 0;
    uint8_t *buf = malloc(in ? in : 1), *r = NULL;
    if (!buf) {
        snprintf(err, n, "mcu: out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < p->hdr.ninputs; i++) {
        const mica_prog_tensor_t *t = &p->tensors[p->inputs[i]];
        memcpy(buf + at, s->mem + t->addr, t->bytes);
        at += t->bytes;
    }
    uint32_t type;
    size_t len;
    if (s->die_after_ms)
        s->mcu.kill_board_at_ms = mcu_now_ms() + s->die_after_ms;
    int rc = mcu_send(&s->mcu, MICA_FW_INVOKE, buf, in, err, n) ||
             mcu_recv(&s->mcu, &type, &r, &len, err, n);
    if (!rc && type != MICA_FW_RESULT) {
        snprintf(err, n, "mcu: the firmware answered INVOKE with message type %u", type);
        rc = 1;
    }
    if (!rc)
        rc = take_result(s, r, len, cycles, ns, err, n);
    free(r);
    free(buf);
    return rc ? -1 : 0;
}

static int report(void *st, char *out, size_t n) {
    mcu_state_t *s = st;
    snprintf(out, n, "link_tx_bytes=%u link_rx_bytes=%u mcu_pool_peak_bytes=%u fell_back=%s%s%s",
             s->link_tx, s->link_rx, s->pool_peak, s->on_cpu ? "yes" : "no",
             s->on_cpu ? " why=" : "", s->on_cpu ? s->note : "");
    return 0;
}

static void mcu_close(void *st) {
    mcu_state_t *s = st;
    if (s->started)
        mcu_stop(&s->mcu);
    free(s->mem);
    free(s);
}

/* accel=none|sim|absent, board=NAME (default ulx3s), fallback=none|cpu; fault injection:
 * ber=R on the board's UART, die_after_ms=N (the board simulator is killed N ms into each
 * invoke), accel=absent (the firmware expects a board on UART1 and nothing answers). */
static int parse(mcu_state_t *s, const char *opts, char *err, size_t n) {
    char accel[16] = "none", board[32] = "ulx3s", fallback[16] = "none";
    mica_opt_string(opts, "accel", accel, sizeof accel);
    mica_opt_string(opts, "board", board, sizeof board);
    mica_opt_string(opts, "fallback", fallback, sizeof fallback);
    if (strcmp(accel, "none") && strcmp(accel, "sim") && strcmp(accel, "absent")) {
        snprintf(err, n,
                 "mcu backend: accel=%.15s: use accel=sim (a Verilated board on the MCU's UART), "
                 "accel=none (everything on the MCU) or accel=absent (a board that does not "
                 "answer)",
                 accel);
        return -1;
    }
    if (strcmp(fallback, "none") && strcmp(fallback, "cpu")) {
        snprintf(err, n, "mcu backend: fallback=%.15s: use fallback=cpu or fallback=none",
                 fallback);
        return -1;
    }
    s->fallback_cpu = !strcmp(fallback, "cpu");
    if (strcmp(accel, "none") && !(s->board = link_find_board(board))) {
        char known[128];
        link_board_list(known, sizeof known);
        snprintf(err, n, "mcu backend: board=%.31s: unknown board (known: %s)", board, known);
        return -1;
    }
    s->accel.board = !strcmp(accel, "sim") ? s->board : NULL;
    s->accel.ber = mica_opt_rate(opts, "ber", 0.0);
    s->die_after_ms = (uint32_t)mica_opt_int(opts, "die_after_ms", 0);
    if ((s->accel.ber > 0 || s->die_after_ms) && !s->accel.board) {
        snprintf(err, n, "mcu backend: ber= and die_after_ms= need accel=sim (a board to fault)");
        return -1;
    }
    s->timeout_ms = (uint32_t)mica_opt_int(opts, "timeout_ms", DEFAULT_TIMEOUT_MS);
    s->link_timeout_ms = (uint32_t)mica_opt_int(opts, "link_timeout_ms", 2000);
    return 0;
}

static int mcu_open(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                    mica_backend_t *out, char *err, size_t n) {
    (void)cfg; /* the firmware's runtime checks the accelerator's configuration */
    mcu_state_t *s = calloc(1, sizeof *s);
    if (s)
        s->mem = calloc(mem_bytes ? mem_bytes : 1, 1);
    if (!s || !s->mem || parse(s, options, err, n)) {
        if (!s || !s->mem)
            snprintf(err, n, "mcu backend: out of memory");
        if (s)
            free(s->mem);
        free(s);
        return -1;
    }
    s->mem_bytes = mem_bytes;
    *out = (mica_backend_t){.name = "mcu",
                            .state = s,
                            /* accel=none: the MCU's interpreter has no clock */
                            .cycles_estimated = s->accel.board == NULL,
                            .mem_write = mem_write,
                            .mem_read = mem_read,
                            .csr_read = no_csr_read,
                            .csr_write = no_csr_write,
                            .wait = no_wait,
                            .reset = no_reset,
                            .close = mcu_close,
                            .load_program = load_program,
                            .invoke_program = invoke_program,
                            .report = report};
    return 0;
}

const mica_backend_desc_t mica_backend_mcu = {"mcu", mcu_open, mcu_options,
                                              (int)(sizeof mcu_options / sizeof mcu_options[0])};
