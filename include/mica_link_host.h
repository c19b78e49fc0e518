/* The requesting side of the host link (hw/link.json): sequence numbers, replies matched to
 * requests, retransmission after a lost or damaged frame, timeouts, and the commands as C calls.
 * Freestanding (no allocation, no OS): the byte pipe is the caller's — a USB-UART, a socket to the
 * Verilated board, or a firmware UART driver. The same engine serves libmica and firmware. */
#ifndef MICA_LINK_HOST_H
#define MICA_LINK_HOST_H
#include <stddef.h>
#include <stdint.h>
#include "mica_link_frame.h"

typedef struct {
    void *ctx;
    /* Sends all n bytes: 0, or -1 when the pipe is broken. */
    int (*write)(void *ctx, const uint8_t *buf, size_t n);
    /* Receives up to cap bytes, waiting at most timeout_ms for the first: bytes read, 0 on
     * timeout, -1 when the pipe is closed or broken. */
    long (*read)(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms);
    /* A millisecond clock (any origin), for adapting timeouts to the pipe's measured speed; NULL:
     * every attempt waits the full timeout_ms. */
    uint64_t (*now_ms)(void *ctx);
} mica_link_pipe_t;

/* What went wrong with the link, as the counts `mica board probe` shows. */
typedef struct {
    uint64_t requests, retransmits, timeouts, naks, stray_replies;
    uint64_t bytes_sent, bytes_received;
} mica_link_stats_t;

typedef enum {
    MICA_LINK_OK = 0,
    MICA_LINK_E_NAK = -1,  /* the device refused: mica_link_t.nak_status says why */
    MICA_LINK_E_DEAD = -2, /* no valid reply after every retry, or the pipe broke */
    MICA_LINK_E_ARG = -3,  /* a request the protocol cannot carry (too long, bad count) */
    MICA_LINK_E_REPLY = -4 /* a valid frame whose payload does not fit its command */
} mica_link_result_t;

typedef struct {
    mica_link_pipe_t pipe;
    uint32_t timeout_ms; /* per attempt at most (WAIT always gets all of it) */
    int tries;           /* attempts per request (>= 1) */
    /* Adaptation to the line (mica_link_request): microseconds per wire byte measured on clean
     * exchanges (0: not yet measured), and the payload size memory transfers use now — halved
     * after a retransmission, doubled again after a run of clean requests, so a noisy line
     * moves data in frames small enough to get through. */
    uint32_t us_per_byte, payload_limit, clean_run;
    /* WAIT's time per thousand device cycles, learnt the same way, and the exchange just done. */
    uint32_t us_per_kcycle, wait_cycles;
    uint32_t last_exchange_ms;
    int last_clean;
    uint8_t seq;
    uint8_t nak_status;
    int dead;   /* sticky: set by MICA_LINK_E_DEAD; every later call fails at once */
    int broken; /* the pipe itself failed (closed, unplugged), not just silence */
    mica_link_rx_t rx;
    mica_link_stats_t stats;
    uint8_t frame[MICA_LINK_FRAME_MAX];
    uint8_t chunk[256];
} mica_link_t;

void mica_link_init(mica_link_t *l, mica_link_pipe_t pipe, uint32_t timeout_ms, int tries);

/* One request and its reply: payload of the reply copied to reply (cap bytes at most; *reply_len
 * receives its length). Retransmits the same seq on timeout, up to l->tries attempts. */
mica_link_result_t mica_link_request(mica_link_t *l, uint8_t cmd, const void *req, size_t req_len,
                                     void *reply, size_t cap, size_t *reply_len);

/* The commands. PING's reply fields: */
typedef struct {
    uint16_t version, max_payload;
    uint32_t mem_bytes, core_hz;
} mica_link_ping_t;

mica_link_result_t mica_link_ping(mica_link_t *l, mica_link_ping_t *out);
mica_link_result_t mica_link_csr_read(mica_link_t *l, uint16_t addr, uint32_t *values, int count);
mica_link_result_t mica_link_csr_write(mica_link_t *l, uint16_t addr, uint32_t value);
/* Any length: split into frames of the largest payload. */
mica_link_result_t mica_link_mem_write(mica_link_t *l, uint32_t addr, const void *src, size_t n);
mica_link_result_t mica_link_mem_read(mica_link_t *l, uint32_t addr, void *dst, size_t n);
/* One WAIT of at most max_cycles: *status = STATUS, *waited = cycles the device waited. */
mica_link_result_t mica_link_wait(mica_link_t *l, uint32_t max_cycles, uint32_t *status,
                                  uint32_t *waited);
mica_link_result_t mica_link_reset(mica_link_t *l);

/* STATS: the device's clock and its receiver's fault counts. */
typedef struct {
    uint64_t cycles;
    uint32_t frames_ok, bad_fcs, bad_length, too_long, aborted, uart_errors;
} mica_link_device_stats_t;
mica_link_result_t mica_link_stats(mica_link_t *l, mica_link_device_stats_t *out);

/* A command's name for messages ("MEM_WRITE"), "?" for an unknown value. */
const char *mica_link_cmd_name(uint8_t cmd);

#endif
