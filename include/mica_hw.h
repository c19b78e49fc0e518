/* The hardware configuration a program is compiled for and a device is built with: the parameters
 * of hw/mica.json "config", as the CONFIG0..3 CSRs report them. Compiler, cost model, runtime and
 * every backend read this one struct. A zeroed req_lanes / absent is the full configuration, so
 * positional initializers of the first seven fields keep meaning what they meant. */
#ifndef MICA_HW_H
#define MICA_HW_H
#include <stdint.h>
#include "mica_isa.h"

/* Hardware configuration a device is built with (CONFIG0..3 CSRs). */
typedef struct {
    uint32_t rows, cols, aspad_depth, wspad_depth, acc_depth, param_sets, bus_bytes;
    uint32_t req_lanes;      /* requantization lanes; 0 (or > cols) = cols */
    uint32_t absent;         /* MICA_FEATURE_* bits this configuration lacks; 0 = all present */
    uint32_t req_mul_cycles; /* cycles of a requantization lane's multiply: 0 or 1, or 4 */
} mica_hw_config_t;

/* Cycles a requantization lane takes per column (1 or 4). */
static inline uint32_t mica_hw_req_mul_cycles(const mica_hw_config_t *c) {
    return c->req_mul_cycles > 1 ? c->req_mul_cycles : 1;
}

/* Requantization lanes the STORE unit has (1..cols). */
static inline uint32_t mica_hw_req_lanes(const mica_hw_config_t *c) {
    return c->req_lanes == 0 || c->req_lanes > c->cols ? c->cols : c->req_lanes;
}

/* The features a configuration lacks: ABSENT, plus STORE_ASPAD when ROWS != COLS (a STORE row
 * of COLS bytes is an ASPAD row of ROWS bytes only then). */
static inline uint32_t mica_hw_absent(const mica_hw_config_t *c) {
    return c->absent | (c->rows != c->cols ? (uint32_t)MICA_FEATURE_STORE_ASPAD : 0u);
}

/* The features whose use the hardware refuses with ABSENT_FEATURE (rtl/mica_decode.sv): every
 * absent one but STORE_ASPAD, DWCONV_TAPS and GEMV, whose bits a configuration without them does
 * not decode (not one gate of them there: hw/mica.json features; GEMV is ILLEGAL_OPCODE there). The runtime refuses all of
 * mica_hw_absent. */
static inline uint32_t mica_hw_refused(const mica_hw_config_t *c) {
    return c->absent &
           ~(uint32_t)(MICA_FEATURE_STORE_ASPAD | MICA_FEATURE_DWCONV_TAPS | MICA_FEATURE_GEMV);
}

/* The STORE's round-mode feature (one MICA_FEATURE_* bit), 0 for round DOUBLE. */
static inline uint32_t mica_store_round_feature(const mica_instr_t *in) {
    switch (MICA_GET(in, MICA_F_STORE_ROUND)) {
    case MICA_STORE_ROUND_REAL:
        return MICA_FEATURE_ROUND_REAL;
    case MICA_STORE_ROUND_SINGLE:
        return MICA_FEATURE_ROUND_SINGLE;
    default:
        return 0;
    }
}

/* The optional features (MICA_FEATURE_* bits) an instruction needs, 0 if none: DWCONV of its
 * mode (and of three or nine taps), RESCALE, GEMV, STORE round REAL or SINGLE and STORE target
 * ASPAD. rtl/mica_decode.sv raises ABSENT_FEATURE for them first (not for STORE_ASPAD, DWCONV_TAPS,
 * GEMV). */
static inline uint32_t mica_instr_feature(const mica_instr_t *in) {
    switch (mica_instr_opcode(in)) {
    case MICA_OP_DWCONV:
        return (MICA_GET(in, MICA_F_DWCONV_MODE) == MICA_DWCONV_MODE_MAXIMUM
                    ? MICA_FEATURE_DWCONV_MAX
                    : MICA_FEATURE_DWCONV_MAC) |
               (MICA_GET(in, MICA_F_DWCONV_TAPS) != MICA_DWCONV_TAPS_ONE
                    ? (uint32_t)MICA_FEATURE_DWCONV_TAPS
                    : 0u);
    case MICA_OP_RESCALE:
        return MICA_FEATURE_RESCALE;
    case MICA_OP_GEMV:
        return MICA_FEATURE_GEMV;
    case MICA_OP_STORE:
        return mica_store_round_feature(in) |
               (MICA_GET(in, MICA_F_STORE_TARGET) == MICA_STORE_TARGET_ASPAD
                    ? (uint32_t)MICA_FEATURE_STORE_ASPAD
                    : 0u);
    default:
        return 0;
    }
}

/* Whether STORE `in` writes ASPAD on this configuration: target ASPAD and the feature built
 * (without it the target bit is not decoded and the STORE writes memory). */
static inline int mica_store_writes_aspad(const mica_hw_config_t *c, const mica_instr_t *in) {
    return MICA_GET(in, MICA_F_STORE_TARGET) == MICA_STORE_TARGET_ASPAD &&
           !(mica_hw_absent(c) & MICA_FEATURE_STORE_ASPAD);
}

/* The kernel window a DWCONV `in` sums on this configuration: 3 x 3 taps for taps NINE, 1 x 3 for
 * THREE (with the feature built; without it the field is not decoded: one tap), else 1 x 1 (taps
 * 3 is ERR_BAD_LEN before it runs). MICA_DWCONV_TAPS_N is the window's width (and height), the
 * Vshadow rows are its taps: MICA_DWCONV_VSHADOW_ROWS. */
#define MICA_DWCONV_TAPS_N 3
#define MICA_DWCONV_VSHADOW_ROWS (MICA_DWCONV_TAPS_N * MICA_DWCONV_TAPS_N)
static inline uint32_t mica_dwconv_taps(const mica_hw_config_t *c, const mica_instr_t *in) {
    uint64_t taps = MICA_GET(in, MICA_F_DWCONV_TAPS);
    if (mica_hw_absent(c) & MICA_FEATURE_DWCONV_TAPS)
        return 1;
    return taps == MICA_DWCONV_TAPS_THREE  ? MICA_DWCONV_TAPS_N
           : taps == MICA_DWCONV_TAPS_NINE ? MICA_DWCONV_VSHADOW_ROWS
                                           : 1;
}

/* The Vshadow row that holds tap t = k * cols + x (kernel row k, column x) of a window of `rows` x
 * `cols` taps: the kernel's last row in rows 0..cols-1 (hw/mica.json DWCONV: Vactive[3(2-k) + x]
 * for NINE, Vactive[x] for THREE). It is its own inverse: row r holds tap
 * mica_dwconv_vshadow_row(rows, cols, r). */
static inline uint32_t mica_dwconv_vshadow_row(uint32_t rows, uint32_t cols, uint32_t t) {
    return (rows - 1 - t / cols) * cols + t % cols;
}

/* Its kernel rows (3 for NINE, else 1) and the input line it walks per output line when it has
 * more than one tap: L = (out_w-1)*stride_x + 3 pixels from off_x. */
static inline uint32_t mica_dwconv_tap_rows(const mica_hw_config_t *c, const mica_instr_t *in) {
    return mica_dwconv_taps(c, in) == MICA_DWCONV_VSHADOW_ROWS ? MICA_DWCONV_TAPS_N : 1;
}
static inline uint64_t mica_dwconv_line(const mica_instr_t *in) {
    return (MICA_GET(in, MICA_F_DWCONV_OUT_W) - 1) * MICA_GET(in, MICA_F_DWCONV_STRIDE_X) +
           MICA_DWCONV_TAPS_N;
}
/* ... and the input lines a NINE walks: H = (out_h-1)*stride_y + 3 (a THREE walks out_h). */
static inline uint64_t mica_dwconv_lines(const mica_hw_config_t *c, const mica_instr_t *in) {
    uint64_t out_h = MICA_GET(in, MICA_F_DWCONV_OUT_H);
    return mica_dwconv_tap_rows(c, in) == 1
               ? out_h
               : (out_h - 1) * MICA_GET(in, MICA_F_DWCONV_STRIDE_Y) + MICA_DWCONV_TAPS_N;
}

#endif
