/* Host link framing (mica_link_frame.h): HDLC-like byte stuffing around header, payload and a
 * CRC-32 frame check sequence, as hw/link.json defines it. */
#include "mica_link_frame.h"
#include "mica_crc32.h"

/* Appends one body byte, escaped when it is FLAG or ESCAPE. 0, or -1 when out is full. */
static int put_escaped(uint8_t b, uint8_t *out, size_t cap, size_t *at) {
    int escape = b == MICA_LINK_FLAG || b == MICA_LINK_ESCAPE;
    if (*at + 1 + (size_t)escape > cap)
        return -1;
    if (escape) {
        out[(*at)++] = MICA_LINK_ESCAPE;
        b ^= MICA_LINK_ESCAPE_XOR;
    }
    out[(*at)++] = b;
    return 0;
}

static int put_all(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *at) {
    for (size_t i = 0; i < n; i++)
        if (put_escaped(p[i], out, cap, at))
            return -1;
    return 0;
}

size_t mica_link_encode(uint8_t seq, uint8_t cmd, const void *payload, size_t len, uint8_t *out,
                        size_t cap) {
    if (len > MICA_LINK_MAX_PAYLOAD || cap < 2 || (len && !payload))
        return 0;
    const uint8_t header[MICA_LINK_HEADER_BYTES] = {seq, cmd, (uint8_t)len, (uint8_t)(len >> 8)};
    uint32_t crc = mica_crc32_update(MICA_CRC32_INIT, header, sizeof header);
    crc = ~mica_crc32_update(crc, payload, len);
    const uint8_t fcs[MICA_LINK_FCS_BYTES] = {(uint8_t)crc, (uint8_t)(crc >> 8),
                                              (uint8_t)(crc >> 16), (uint8_t)(crc >> 24)};
    size_t at = 0;
    out[at++] = MICA_LINK_FLAG;
    if (put_all(header, sizeof header, out, cap, &at) || put_all(payload, len, out, cap, &at) ||
        put_all(fcs, sizeof fcs, out, cap, &at) || at + 1 > cap)
        return 0;
    out[at++] = MICA_LINK_FLAG;
    return at;
}

/* Field by field, not the whole struct: the body needs no clearing, and firmware has no memset. */
void mica_link_rx_init(mica_link_rx_t *rx) {
    rx->n = 0;
    rx->escaped = rx->overflow = 0;
    rx->seq = rx->cmd = 0;
    rx->len = 0;
    rx->payload = rx->body;
    rx->bad_fcs = rx->bad_length = rx->too_long = rx->aborted = 0;
}

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A complete body between two FLAGs: 1 when it is a valid frame. */
static int accept_body(mica_link_rx_t *rx) {
    if (rx->overflow) {
        rx->too_long++;
        return 0;
    }
    if (rx->n == 0)
        return 0; /* FLAG FLAG: a resynchronisation, not a frame */
    if (rx->n < MICA_LINK_HEADER_BYTES + MICA_LINK_FCS_BYTES) {
        rx->bad_length++;
        return 0;
    }
    size_t len = rx->body[2] | (size_t)rx->body[3] << 8;
    if (len != rx->n - MICA_LINK_HEADER_BYTES - MICA_LINK_FCS_BYTES) {
        rx->bad_length++;
        return 0;
    }
    size_t covered = MICA_LINK_HEADER_BYTES + len;
    if (mica_crc32(rx->body, covered) != le32(rx->body + covered)) {
        rx->bad_fcs++;
        return 0;
    }
    rx->seq = rx->body[0];
    rx->cmd = rx->body[1];
    rx->len = (uint16_t)len;
    rx->payload = rx->body + MICA_LINK_HEADER_BYTES;
    return 1;
}

int mica_link_rx_byte(mica_link_rx_t *rx, uint8_t byte) {
    if (byte == MICA_LINK_FLAG) {
        int ok = rx->escaped ? (rx->aborted++, 0) : accept_body(rx);
        rx->n = 0;
        rx->escaped = rx->overflow = 0;
        return ok;
    }
    if (byte == MICA_LINK_ESCAPE && !rx->escaped) {
        rx->escaped = 1;
        return 0;
    }
    if (rx->escaped)
        byte ^= MICA_LINK_ESCAPE_XOR;
    rx->escaped = 0;
    if (rx->n < MICA_LINK_BODY_MAX)
        rx->body[rx->n++] = byte;
    else
        rx->overflow = 1;
    return 0;
}
