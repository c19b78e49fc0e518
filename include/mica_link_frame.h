/* Frames of the host link (hw/link.json, generated constants in mica_link.h): the one C
 * implementation of the framing, shared by the host's link backend and by firmware. Freestanding:
 * no allocation, no libc beyond the compiler's own memcpy. */
#ifndef MICA_LINK_FRAME_H
#define MICA_LINK_FRAME_H
#include <stddef.h>
#include <stdint.h>
#include "mica_link.h"

#define MICA_LINK_BODY_MAX (MICA_LINK_HEADER_BYTES + MICA_LINK_MAX_PAYLOAD + MICA_LINK_FCS_BYTES)
/* Longest encoded frame: two FLAGs and every body byte escaped. */
#define MICA_LINK_FRAME_MAX (2 + 2 * MICA_LINK_BODY_MAX)

/* Writes FLAG, the escaped header + payload + FCS, FLAG into out. Returns the frame's length, or 0
 * when len > MICA_LINK_MAX_PAYLOAD or cap is too small (nothing useful is written then). */
size_t mica_link_encode(uint8_t seq, uint8_t cmd, const void *payload, size_t len, uint8_t *out,
                        size_t cap);

/* A receiver: feed it the bytes of the line one at a time. */
typedef struct {
    uint8_t body[MICA_LINK_BODY_MAX];
    size_t n;     /* body bytes so far */
    int escaped;  /* the last byte was ESCAPE */
    int overflow; /* this body grew past MICA_LINK_BODY_MAX: dropped at its end */
    /* The frame mica_link_rx_byte just completed (valid until the next call). */
    uint8_t seq, cmd;
    uint16_t len;
    const uint8_t *payload;
    /* Bodies dropped, by reason (the fault counts `mica board probe` shows). */
    uint32_t bad_fcs, bad_length, too_long, aborted;
} mica_link_rx_t;

void mica_link_rx_init(mica_link_rx_t *rx);
/* 1 when this byte ended a valid frame (rx->seq, cmd, len, payload describe it), else 0. A body
 * with a wrong FCS, a length that disagrees with its header, or more than MAX_PAYLOAD bytes is
 * counted and dropped; ESCAPE directly before FLAG aborts the body. */
int mica_link_rx_byte(mica_link_rx_t *rx, uint8_t byte);

#endif
