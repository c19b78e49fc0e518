/* libFuzzer target: the host link's receiver and encoder (driver/core/link_frame.c) and the
 * requesting engine (driver/core/link_host.c) on any line bytes. Every frame the receiver accepts must be well formed (length within MAX_PAYLOAD) and must
 * survive encode -> receive unchanged; the fuzz input's own bytes, encoded as a payload, must
 * come back identical. */
#include <stdint.h>
#include <string.h>
#include "fuzz_common.h"
#include "mica_link_frame.h"
#include "mica_link_host.h"

static uint8_t frame[MICA_LINK_FRAME_MAX];

/* Encodes (seq, cmd, payload) and feeds the frame to a fresh receiver: it must come back once. */
static void round_trip(uint8_t seq, uint8_t cmd, const uint8_t *payload, size_t len) {
    static mica_link_rx_t rx;
    size_t n = mica_link_encode(seq, cmd, payload, len, frame, sizeof frame);
    if (!n) {
        fuzz_require("fuzz_link", len > MICA_LINK_MAX_PAYLOAD, "encode refuses only an oversized payload", "");
        return;
    }
    mica_link_rx_init(&rx);
    int got = 0;
    for (size_t i = 0; i < n; i++)
        got += mica_link_rx_byte(&rx, frame[i]);
    fuzz_require("fuzz_link", got == 1 && rx.seq == seq && rx.cmd == cmd && rx.len == len &&
                     (len == 0 || memcmp(rx.payload, payload, len) == 0),
                 "an encoded frame is received unchanged", "");
}

/* The engine's pipe: requests vanish, "replies" are the fuzz input in pieces, then silence. */
typedef struct {
    const uint8_t *data;
    size_t size, at;
} line_t;

static int line_write(void *ctx, const uint8_t *buf, size_t n) {
    (void)ctx, (void)buf, (void)n;
    return 0;
}

static long line_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms) {
    line_t *l = ctx;
    (void)timeout_ms;
    size_t n = l->size - l->at < cap ? l->size - l->at : cap;
    n = n > 7 ? 7 : n; /* small pieces: frames split across reads */
    memcpy(buf, l->data + l->at, n);
    l->at += n;
    return (long)n;
}

/* Every command against whatever the line says: a result, never a hang or a bad access; an OK
 * CSR_READ filled exactly what was asked; the engine ends dead only when the line ran dry. */
static void drive_engine(const uint8_t *data, size_t size) {
    static mica_link_t link;
    static uint8_t buf[4096];
    line_t line = {data, size, 0};
    mica_link_pipe_t pipe = {&line, line_write, line_read, NULL};
    mica_link_init(&link, pipe, 1, 2);
    mica_link_ping_t ping;
    uint32_t csr[4] = {0}, st, waited;
    mica_link_ping(&link, &ping);
    mica_link_result_t r = mica_link_csr_read(&link, 8, csr, 3);
    fuzz_require("fuzz_link", r <= 0 && r >= MICA_LINK_E_REPLY, "engine result in range", "");
    mica_link_csr_write(&link, 36, 0x100);
    mica_link_mem_write(&link, 0, data, size < sizeof buf ? size : sizeof buf);
    mica_link_mem_read(&link, 0x40, buf, size % sizeof buf);
    mica_link_wait(&link, 1000, &st, &waited);
    mica_link_reset(&link);
    fuzz_require("fuzz_link", !link.dead || line.at == line.size, "dead only after the line ran dry", "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    drive_engine(data, size);
    static mica_link_rx_t rx;
    static uint8_t copy[MICA_LINK_MAX_PAYLOAD];
    mica_link_rx_init(&rx);
    for (size_t i = 0; i < size; i++) {
        if (!mica_link_rx_byte(&rx, data[i]))
            continue;
        fuzz_require("fuzz_link", rx.len <= MICA_LINK_MAX_PAYLOAD, "accepted length within MAX_PAYLOAD", "");
        memcpy(copy, rx.payload, rx.len);
        uint8_t seq = rx.seq, cmd = rx.cmd;
        uint16_t len = rx.len;
        round_trip(seq, cmd, copy, len);
    }
    if (size >= 2)
        round_trip(data[0], data[1], data + 2, size - 2);
    return 0;
}
