/* The requesting side of the host link (mica_link_host.h): one request in flight, matched to its
 * reply by seq; a lost, damaged or late reply costs a retransmission of the same seq, which the
 * device answers without executing twice (hw/link.json). */
#include "mica_link_host.h"

void mica_link_init(mica_link_t *l, mica_link_pipe_t pipe, uint32_t timeout_ms, int tries) {
    l->pipe = pipe;
    l->timeout_ms = timeout_ms ? timeout_ms : 1;
    l->tries = tries > 0 ? tries : 1;
    l->seq = 0;
    l->nak_status = 0;
    l->dead = 0;
    l->broken = 0;
    l->us_per_byte = 0;
    l->payload_limit = MICA_LINK_MAX_PAYLOAD;
    l->clean_run = 0;
    l->us_per_kcycle = l->wait_cycles = 0;
    l->last_exchange_ms = 0;
    l->last_clean = 0;
    mica_link_rx_init(&l->rx);
    l->stats.requests = l->stats.retransmits = l->stats.timeouts = 0;
    l->stats.naks = l->stats.stray_replies = l->stats.bytes_sent = l->stats.bytes_received = 0;
}

const char *mica_link_cmd_name(uint8_t cmd) {
    switch (cmd) {
    case MICA_LINK_CMD_PING:
        return "PING";
    case MICA_LINK_CMD_CSR_READ:
        return "CSR_READ";
    case MICA_LINK_CMD_CSR_WRITE:
        return "CSR_WRITE";
    case MICA_LINK_CMD_MEM_WRITE:
        return "MEM_WRITE";
    case MICA_LINK_CMD_MEM_READ:
        return "MEM_READ";
    case MICA_LINK_CMD_WAIT:
        return "WAIT";
    case MICA_LINK_CMD_RESET:
        return "RESET";
    case MICA_LINK_CMD_STATS:
        return "STATS";
    default:
        return "?";
    }
}

static void put16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v) {
    put16(p, v);
    put16(p + 2, v >> 16);
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Feeds received bytes to the deframer until the reply to `seq` arrives (1), the attempt's time
 * runs out (0), or the pipe breaks (-1). Frames for other seqs are late replies to earlier
 * attempts of finished requests: counted and dropped. */
static int await_reply(mica_link_t *l, uint8_t seq, uint8_t cmd, uint32_t timeout_ms) {
    /* The whole attempt is bounded: a line that keeps delivering noise cannot hold us. */
    uint64_t deadline = l->pipe.now_ms ? l->pipe.now_ms(l->pipe.ctx) + timeout_ms : 0;
    for (uint32_t left = timeout_ms;;) {
        long got = l->pipe.read(l->pipe.ctx, l->chunk, sizeof l->chunk, left);
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
        l->stats.bytes_received += (uint64_t)got;
        for (long i = 0; i < got; i++) {
            if (!mica_link_rx_byte(&l->rx, l->chunk[i]))
                continue;
            int mine = l->rx.seq == seq &&
                       (l->rx.cmd == (cmd | MICA_LINK_REPLY_BIT) || l->rx.cmd == MICA_LINK_NAK);
            if (mine)
                return 1; /* bytes after the reply's FLAG belong to no request: dropped */
            l->stats.stray_replies++;
        }
        if (deadline) {
            uint64_t now = l->pipe.now_ms(l->pipe.ctx);
            if (now >= deadline)
                return 0;
            left = (uint32_t)(deadline - now);
        }
    }
}

static mica_link_result_t take_reply(mica_link_t *l, void *reply, size_t cap, size_t *reply_len) {
    if (l->rx.cmd == MICA_LINK_NAK) {
        l->stats.naks++;
        l->nak_status = l->rx.len == 1 ? l->rx.payload[0] : 0xFF;
        return MICA_LINK_E_NAK;
    }
    if (l->rx.len > cap)
        return MICA_LINK_E_REPLY;
    uint8_t *out = reply;
    for (uint16_t i = 0; i < l->rx.len; i++)
        out[i] = l->rx.payload[i];
    if (reply_len)
        *reply_len = l->rx.len;
    return MICA_LINK_OK;
}

/* How long one attempt may wait: a few times what the measured line speed needs for the request
 * and the longest reply, never less than TIMEOUT_FLOOR_MS nor more than the configured cap. */
#define TIMEOUT_FLOOR_MS 30u
#define SMALLEST_PAYLOAD 64u
#define CLEAN_RUN_TO_GROW 8u
#define SPEED_CAP_US 100000u /* per wire byte or per thousand cycles: slower is a dead line */

static uint32_t attempt_timeout(const mica_link_t *l, uint8_t cmd, size_t frame, size_t reply_cap) {
    int waits = cmd == MICA_LINK_CMD_WAIT;
    if (!l->pipe.now_ms || !l->us_per_byte || (waits && !l->us_per_kcycle))
        return l->timeout_ms;
    /* 32-bit arithmetic (no 64-bit division on a Cortex-M); learn_speed caps us_per_byte and
     * us_per_kcycle at SPEED_CAP_US, so these products stay below 2^32. */
    uint32_t wire = (uint32_t)(frame + 2 * reply_cap + 16);
    uint32_t ms = TIMEOUT_FLOOR_MS + 4 * (wire * l->us_per_byte / 1000);
    if (waits) { /* the device's wait, at the measured speed of its cycles, saturating */
        uint32_t kcycles = l->wait_cycles / 1000;
        uint32_t wait_ms = kcycles > 0xFFFFFFFFu / l->us_per_kcycle
                               ? l->timeout_ms
                               : kcycles * l->us_per_kcycle / 1000;
        ms = wait_ms >= l->timeout_ms / 4 ? l->timeout_ms : ms + 4 * wait_ms;
    }
    return ms < l->timeout_ms ? ms : l->timeout_ms;
}

/* A clean exchange's time per wire byte, smoothed (1/4 weight to the new sample). */
static uint32_t smooth(uint32_t old, uint32_t sample) {
    if (sample > SPEED_CAP_US)
        sample = SPEED_CAP_US;
    return old ? (3 * old + sample) / 4 : sample + 1;
}

/* A clean exchange's time per wire byte, smoothed (1/4 weight to the new sample). */
static void learn_speed(mica_link_t *l, uint8_t cmd, uint64_t t0, size_t wire) {
    if (!l->pipe.now_ms || cmd == MICA_LINK_CMD_WAIT)
        return;
    uint64_t elapsed = l->pipe.now_ms(l->pipe.ctx) - t0;
    uint32_t ms = elapsed > 4000000u ? 4000000u : (uint32_t)elapsed;
    l->us_per_byte = smooth(l->us_per_byte, ms * 1000u / (wire ? (uint32_t)wire : 1u));
}

static void adapt_payload(mica_link_t *l, int attempts) {
    if (attempts > 1) {
        l->payload_limit =
            l->payload_limit / 2 > SMALLEST_PAYLOAD ? l->payload_limit / 2 : SMALLEST_PAYLOAD;
        l->clean_run = 0;
    } else if (++l->clean_run >= CLEAN_RUN_TO_GROW && l->payload_limit < MICA_LINK_MAX_PAYLOAD) {
        l->payload_limit *= 2;
        l->clean_run = 0;
    }
}

mica_link_result_t mica_link_request(mica_link_t *l, uint8_t cmd, const void *req, size_t req_len,
                                     void *reply, size_t cap, size_t *reply_len) {
    if (l->dead)
        return MICA_LINK_E_DEAD;
    uint8_t seq = ++l->seq;
    size_t n = mica_link_encode(seq, cmd, req, req_len, l->frame, sizeof l->frame);
    if (!n)
        return MICA_LINK_E_ARG;
    l->stats.requests++;
    for (int attempt = 0; attempt < l->tries; attempt++) {
        if (attempt)
            l->stats.retransmits++;
        uint64_t t0 = l->pipe.now_ms ? l->pipe.now_ms(l->pipe.ctx) : 0,
                 rx0 = l->stats.bytes_received;
        uint32_t wait_ms = attempt_timeout(l, cmd, n, cap);
        if (l->pipe.write(l->pipe.ctx, l->frame, n)) {
            l->broken = 1;
            break;
        }
        l->stats.bytes_sent += n;
        int r = await_reply(l, seq, cmd, wait_ms);
        if (r > 0) {
            size_t wire = n + (size_t)(l->stats.bytes_received - rx0);
            if (!attempt)
                learn_speed(l, cmd, t0, wire);
            l->last_clean = !attempt;
            uint64_t spent = l->pipe.now_ms ? l->pipe.now_ms(l->pipe.ctx) - t0 : 0;
            l->last_exchange_ms = spent > 4000000u ? 4000000u : (uint32_t)spent;
            adapt_payload(l, attempt + 1);
            return take_reply(l, reply, cap, reply_len);
        }
        if (r < 0) {
            l->broken = 1;
            break;
        }
        l->stats.timeouts++;
    }
    l->dead = 1;
    return MICA_LINK_E_DEAD;
}

/* A request whose reply must be exactly `want` bytes. */
static mica_link_result_t exact(mica_link_t *l, uint8_t cmd, const uint8_t *req, size_t req_len,
                                uint8_t *reply, size_t want) {
    size_t got = 0;
    mica_link_result_t r = mica_link_request(l, cmd, req, req_len, reply, want, &got);
    return r == MICA_LINK_OK && got != want ? MICA_LINK_E_REPLY : r;
}

mica_link_result_t mica_link_ping(mica_link_t *l, mica_link_ping_t *out) {
    uint8_t r[12];
    mica_link_result_t s = exact(l, MICA_LINK_CMD_PING, 0, 0, r, sizeof r);
    if (s == MICA_LINK_OK) {
        out->version = (uint16_t)(r[0] | r[1] << 8);
        out->max_payload = (uint16_t)(r[2] | r[3] << 8);
        out->mem_bytes = get32(r + 4);
        out->core_hz = get32(r + 8);
    }
    return s;
}

mica_link_result_t mica_link_csr_read(mica_link_t *l, uint16_t addr, uint32_t *values, int count) {
    if (count < 1 || count > (int)MICA_LINK_MAX_CSR_READ)
        return MICA_LINK_E_ARG;
    uint8_t req[MICA_LINK_CSR_READ_REQ_BYTES], r[4 * MICA_LINK_MAX_CSR_READ];
    put16(req, addr);
    req[2] = (uint8_t)count;
    mica_link_result_t s = exact(l, MICA_LINK_CMD_CSR_READ, req, sizeof req, r, 4u * (size_t)count);
    for (int i = 0; s == MICA_LINK_OK && i < count; i++)
        values[i] = get32(r + 4 * i);
    return s;
}

mica_link_result_t mica_link_csr_write(mica_link_t *l, uint16_t addr, uint32_t value) {
    uint8_t req[MICA_LINK_CSR_WRITE_REQ_BYTES];
    put16(req, addr);
    put32(req + 2, value);
    return exact(l, MICA_LINK_CMD_CSR_WRITE, req, sizeof req, 0, 0);
}

mica_link_result_t mica_link_mem_write(mica_link_t *l, uint32_t addr, const void *src, size_t n) {
    uint8_t req[MICA_LINK_MAX_PAYLOAD];
    const uint8_t *p = src;
    for (size_t done = 0; done < n;) {
        size_t per = l->payload_limit - MICA_LINK_MEM_WRITE_REQ_BYTES;
        size_t k = n - done < per ? n - done : per;
        put32(req, addr + (uint32_t)done);
        for (size_t i = 0; i < k; i++)
            req[MICA_LINK_MEM_WRITE_REQ_BYTES + i] = p[done + i];
        mica_link_result_t s =
            exact(l, MICA_LINK_CMD_MEM_WRITE, req, MICA_LINK_MEM_WRITE_REQ_BYTES + k, 0, 0);
        if (s != MICA_LINK_OK)
            return s;
        done += k;
    }
    return MICA_LINK_OK;
}

mica_link_result_t mica_link_mem_read(mica_link_t *l, uint32_t addr, void *dst, size_t n) {
    uint8_t *p = dst;
    for (size_t done = 0; done < n;) {
        size_t k = n - done < l->payload_limit ? n - done : l->payload_limit;
        uint8_t req[MICA_LINK_MEM_READ_REQ_BYTES];
        put32(req, addr + (uint32_t)done);
        put16(req + 4, (uint32_t)k);
        mica_link_result_t s = exact(l, MICA_LINK_CMD_MEM_READ, req, sizeof req, p + done, k);
        if (s != MICA_LINK_OK)
            return s;
        done += k;
    }
    return MICA_LINK_OK;
}

mica_link_result_t mica_link_wait(mica_link_t *l, uint32_t max_cycles, uint32_t *status,
                                  uint32_t *waited) {
    uint8_t req[MICA_LINK_WAIT_REQ_BYTES], r[8];
    put32(req, max_cycles);
    l->wait_cycles = max_cycles;
    mica_link_result_t s = exact(l, MICA_LINK_CMD_WAIT, req, sizeof req, r, sizeof r);
    if (s != MICA_LINK_OK)
        return s;
    *status = get32(r);
    *waited = get32(r + 4);
    /* A clean WAIT that ran for a while teaches how fast the device's cycles pass here (a
     * simulated board: far slower than its clock), so later WAITs time out in proportion. */
    if (l->last_clean && *waited >= 1000 && l->pipe.now_ms) {
        uint32_t kcycles = *waited / 1000, ms = l->last_exchange_ms;
        uint32_t us = ms > 4000000u ? 0xFFFFFFFFu : ms * 1000u / kcycles;
        l->us_per_kcycle = smooth(l->us_per_kcycle, us);
    }
    return MICA_LINK_OK;
}

mica_link_result_t mica_link_reset(mica_link_t *l) {
    return exact(l, MICA_LINK_CMD_RESET, 0, 0, 0, 0);
}

mica_link_result_t mica_link_stats(mica_link_t *l, mica_link_device_stats_t *out) {
    uint8_t r[32];
    mica_link_result_t s = exact(l, MICA_LINK_CMD_STATS, 0, 0, r, sizeof r);
    if (s != MICA_LINK_OK)
        return s;
    out->cycles = (uint64_t)get32(r + 4) << 32 | get32(r);
    out->frames_ok = get32(r + 8);
    out->bad_fcs = get32(r + 12);
    out->bad_length = get32(r + 16);
    out->too_long = get32(r + 20);
    out->aborted = get32(r + 24);
    out->uart_errors = get32(r + 28);
    return MICA_LINK_OK;
}
