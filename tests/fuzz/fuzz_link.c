/* libFuzzer target: the host link's receiver and encoder (driver/core/link_frame.c) on any line
 * bytes. Every frame the receiver accepts must be well formed (length within MAX_PAYLOAD) and must
 * survive encode -> receive unchanged; the fuzz input's own bytes, encoded as a payload, must
 * come back identical. */
#include <stdint.h>
#include <string.h>
#include "fuzz_common.h"
#include "mica_link_frame.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
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
