/* The stream between a host and Mica firmware on an MCU (the `mcu` backend and
 * firmware/apps/verify_server.c): whole messages over the MCU's console UART, each
 *   "MFW1" | u32 type | u32 length | payload[length] | u32 CRC-32 of type, length and payload
 * little-endian. A damaged or oversized message is refused, never half-read.
 *   SETUP  host -> MCU  u32 fallback (mica_fw_fallback_t), then the backend spec, NUL-ended
 *   HELLO  MCU -> host  u32 nsteps, ninputs, noutputs, input bytes, output bytes (all tensors)
 *   INVOKE host -> MCU  every input tensor's bytes, in order
 *   RESULT MCU -> host  u32 status (mica_status_t), u32 ran_on_cpu, u32 nsteps, u32 link bytes
 *                       sent, u32 link bytes received (this invoke), u32 peak pool bytes, every
 *                       output tensor's bytes, per step {u64 cycles, u64 mcu_ns}, the message
 *                       (why it fell back, or the error), NUL-ended
 *   QUIT   host -> MCU  empty: the firmware exits with code 0 */
#ifndef MICA_FW_STREAM_H
#define MICA_FW_STREAM_H
#include <stddef.h>
#include <stdint.h>
#include "mica_crc32.h"

#define MICA_FW_MAGIC "MFW1"
#define MICA_FW_HEADER_BYTES 12u
#define MICA_FW_MAX_PAYLOAD (8u << 20) /* larger than any input or output set a model has */
#define MICA_FW_RESULT_HEAD 24u        /* RESULT's fixed fields before the outputs */

typedef enum {
    MICA_FW_SETUP = 1,
    MICA_FW_HELLO = 2,
    MICA_FW_INVOKE = 3,
    MICA_FW_RESULT = 4,
    MICA_FW_QUIT = 5
} mica_fw_msg_t;

static inline void mica_fw_put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
    p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t mica_fw_get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The CRC a message carries: over its type and length fields and the payload. */
static inline uint32_t mica_fw_crc(const uint8_t header[MICA_FW_HEADER_BYTES],
                                   const uint8_t *payload, size_t len) {
    uint32_t s = mica_crc32_update(MICA_CRC32_INIT, header + 4, 8);
    return ~mica_crc32_update(s, payload, len);
}

#endif
