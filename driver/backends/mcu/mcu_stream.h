/* The host side's reading of the firmware's messages (include/mica_fw_stream.h), as pure
 * functions over bytes: what the mcu backend runs on every reply, and what tests/fuzz/fuzz_mcu.c
 * feeds arbitrary bytes to. */
#ifndef MICA_MCU_STREAM_H
#define MICA_MCU_STREAM_H
#include <stddef.h>
#include <stdint.h>
#include "mica_program.h"

typedef struct {
    uint32_t status, on_cpu, link_tx, link_rx, pool_peak;
    const uint8_t *outputs; /* every output tensor's bytes, in order */
    const uint8_t *steps;   /* per step {u64 cycles, u64 mcu_ns} */
    const char *text;       /* NUL-ended, inside the payload */
} mcu_result_t;

/* Total bytes of the tensors index[0..n) of p. */
size_t mcu_io_bytes(const mica_program_t *p, const uint32_t *index, uint32_t n);
/* A RESULT payload for program p: 0 with its fields in out (pointing into r), or -1 with a
 * one-line reason when its size, step count or message does not fit. */
int mcu_parse_result(const mica_program_t *p, const uint8_t *r, size_t len, mcu_result_t *out,
                     char *err, size_t n);
/* A HELLO payload: 0 when it describes p (steps, tensors, bytes), else -1 with a reason. */
int mcu_check_hello(const mica_program_t *p, const uint8_t *h, size_t len, char *err, size_t n);

#endif
