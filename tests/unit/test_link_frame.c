/* The host link's framing (driver/core/link_frame.c, driver/core/crc32.c) against hw/link.json:
 * CRC-32 against its bitwise definition and the standard check value; frames byte-equal to an
 * independent Python encoder's (tests/fuzz/make_link_seeds.py, zlib's CRC); random frames back to
 * back round-trip; damaged lines (bit flips, dropped, duplicated and inserted bytes) never yield a
 * frame that was not sent; bounds of the encoder and the receiver. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "mica_crc32.h"
#include "mica_link_frame.h"
#include "test_check.h"

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint32_t rnd(uint32_t n) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static uint32_t crc32_bitwise(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

static void test_crc32(void) {
    CHECK(mica_crc32("123456789", 9) == 0xCBF43926u, "CRC-32 check value");
    uint8_t buf[300];
    for (int t = 0; t < 200; t++) {
        size_t n = rnd(sizeof buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)rnd(256);
        CHECK(mica_crc32(buf, n) == crc32_bitwise(buf, n), "CRC-32 of %zu bytes", n);
    }
}

/* Frames made by tests/fuzz/make_link_seeds.py's frame(). */
static void test_known_frames(void) {
    static const uint8_t ping[] = {0x7E, 0x01, 0x01, 0x00, 0x00, 0x4E, 0xD2, 0x3A, 0x98, 0x7E};
    static const uint8_t stuffed[] = {0x7E, 0x7D, 0x5E, 0x04, 0x03, 0x00, 0x7D, 0x5D,
                                      0x7D, 0x5E, 0x00, 0xB5, 0xE3, 0x9F, 0x10, 0x7E};
    static const uint8_t payload[] = {0x7D, 0x7E, 0x00};
    uint8_t out[64];
    size_t n = mica_link_encode(1, MICA_LINK_CMD_PING, NULL, 0, out, sizeof out);
    CHECK(n == sizeof ping && !memcmp(out, ping, n), "PING frame equals the Python encoder's");
    n = mica_link_encode(0x7E, MICA_LINK_CMD_MEM_WRITE, payload, 3, out, sizeof out);
    CHECK(n == sizeof stuffed && !memcmp(out, stuffed, n),
          "escaped frame equals the Python encoder's");
}

typedef struct {
    uint8_t seq, cmd;
    uint16_t len;
    uint8_t payload[MICA_LINK_MAX_PAYLOAD];
} sent_t;

static sent_t sent[64];
static uint8_t line[64 * MICA_LINK_FRAME_MAX + 64 * 4];

/* Random frames; payload bytes often FLAG or ESCAPE, so stuffing is exercised. */
static size_t make_line(int count) {
    size_t at = 0;
    for (int i = 0; i < count; i++) {
        sent_t *s = &sent[i];
        s->seq = (uint8_t)rnd(256), s->cmd = (uint8_t)rnd(256);
        s->len = (uint16_t)(rnd(4) ? rnd(64) : rnd(MICA_LINK_MAX_PAYLOAD + 1));
        for (uint16_t k = 0; k < s->len; k++)
            s->payload[k] = rnd(4) ? (uint8_t)rnd(256) : rnd(2) ? MICA_LINK_FLAG : MICA_LINK_ESCAPE;
        at += mica_link_encode(s->seq, s->cmd, s->payload, s->len, line + at, sizeof line - at);
        if (rnd(3) == 0)
            line[at++] = MICA_LINK_FLAG; /* idle flags between frames */
    }
    return at;
}

static int matches_sent(const mica_link_rx_t *rx, int count) {
    for (int i = 0; i < count; i++)
        if (rx->seq == sent[i].seq && rx->cmd == sent[i].cmd && rx->len == sent[i].len &&
            !memcmp(rx->payload, sent[i].payload, rx->len))
            return 1;
    return 0;
}

static void test_round_trip(void) {
    static mica_link_rx_t rx;
    for (int t = 0; t < 50; t++) {
        size_t n = make_line(64);
        mica_link_rx_init(&rx);
        int got = 0, in_order = 1;
        for (size_t i = 0; i < n; i++)
            if (mica_link_rx_byte(&rx, line[i])) {
                in_order &= got < 64 && rx.seq == sent[got].seq && rx.len == sent[got].len &&
                            !memcmp(rx.payload, sent[got].payload, rx.len);
                got++;
            }
        CHECK(got == 64 && in_order, "64 frames back to back: %d received, in order %d", got,
              in_order);
        CHECK(rx.bad_fcs + rx.bad_length + rx.too_long + rx.aborted == 0,
              "no errors on a clean line");
    }
}

/* One damage at a random place: flip a bit, drop, duplicate or insert a byte. */
static size_t damage(size_t n, int kind) {
    size_t at = rnd((uint32_t)n);
    if (kind == 0)
        line[at] ^= (uint8_t)(1u << rnd(8));
    else if (kind == 1)
        memmove(line + at, line + at + 1, n - at - 1), n--;
    else {
        memmove(line + at + 1, line + at, n - at), n++;
        if (kind == 3)
            line[at] = (uint8_t)rnd(256);
    }
    return n;
}

static void test_damage(void) {
    static mica_link_rx_t rx;
    long silent = 0, caught = 0;
    for (int t = 0; t < 4000; t++) {
        size_t n = make_line(4);
        for (int d = 0; d < 1 + (int)rnd(3); d++)
            n = damage(n, (int)rnd(4));
        mica_link_rx_init(&rx);
        int got = 0;
        for (size_t i = 0; i < n; i++)
            if (mica_link_rx_byte(&rx, line[i])) {
                got++;
                silent += !matches_sent(&rx, 4);
            }
        caught += rx.bad_fcs + rx.bad_length + rx.too_long + rx.aborted;
        (void)got;
    }
    CHECK(silent == 0, "%ld damaged frames accepted with content never sent", silent);
    CHECK(caught > 4000, "damage is detected (%ld bodies dropped)", caught);
    printf("test_link_frame: 4000 damaged lines, %ld bodies dropped by the FCS/length checks, %ld "
           "silent\n",
           caught, silent);
}

static void test_bounds(void) {
    static uint8_t big[MICA_LINK_MAX_PAYLOAD + 1], out[MICA_LINK_FRAME_MAX];
    static mica_link_rx_t rx;
    memset(big, MICA_LINK_FLAG, sizeof big);
    CHECK(mica_link_encode(0, 1, big, MICA_LINK_MAX_PAYLOAD + 1, out, sizeof out) == 0,
          "payload above MAX_PAYLOAD refused");
    size_t n = mica_link_encode(0, 1, big, MICA_LINK_MAX_PAYLOAD, out, sizeof out);
    CHECK(n > 0 && n <= MICA_LINK_FRAME_MAX,
          "an all-FLAG maximal payload fits MICA_LINK_FRAME_MAX");
    CHECK(mica_link_encode(0, 1, big, 10, out, 12) == 0, "too small an output buffer refused");
    mica_link_rx_init(&rx);
    mica_link_rx_byte(&rx, MICA_LINK_FLAG);
    for (size_t i = 0; i < MICA_LINK_BODY_MAX + 10; i++)
        mica_link_rx_byte(&rx, 0x11);
    mica_link_rx_byte(&rx, MICA_LINK_FLAG);
    CHECK(rx.too_long == 1, "an overlong body is counted");
    mica_link_rx_byte(&rx, MICA_LINK_ESCAPE);
    mica_link_rx_byte(&rx, MICA_LINK_FLAG);
    CHECK(rx.aborted == 1, "ESCAPE FLAG aborts the body");
    n = mica_link_encode(9, 2, "ab", 2, out, sizeof out);
    int ok = 0;
    for (size_t i = 0; i < n; i++)
        ok += mica_link_rx_byte(&rx, out[i]);
    CHECK(ok == 1 && rx.seq == 9 && rx.len == 2, "the receiver recovers after errors");
}

int main(void) {
    test_crc32();
    test_known_frames();
    test_round_trip();
    test_damage();
    test_bounds();
    printf("test_link_frame: %s (%d checks, %d failed)\n", failures ? "FAIL" : "PASS", checks,
           failures);
    return failures != 0;
}
