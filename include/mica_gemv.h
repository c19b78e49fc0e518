/* GEMV (hw/mica.json, feature GEMV): the LOADW and MATMUL operations one GEMV stands for, in
 * issue order. One definition for the ISA interpreter, the cost model, the functional backend
 * and the tests; rtl/mica_issue.sv builds the same operations in hardware. */
#ifndef MICA_GEMV_H
#define MICA_GEMV_H
#include <stdint.h>
#include "mica_hw.h"

/* Operation j (0 .. 2 * f->folds - 1) of the GEMV with fields f on an array of `rows` rows: even
 * j the LOADW of fold j / 2, odd j its MATMUL. Only operation 0 carries the wait mask. */
static inline void mica_gemv_op(const mica_gemv_fields_t *f, uint32_t j, uint32_t rows,
                                mica_instr_t *out) {
    uint32_t t = j / 2;
    if (j % 2 == 0) {
        mica_loadw_fields_t w = {.wait = j == 0 ? f->wait : 0,
                                 .vector = MICA_LOADW_VECTOR_TILE,
                                 .wspad_addr = f->wspad_addr + t * rows};
        mica_loadw_encode(&w, out, NULL);
        return;
    }
    mica_matmul_fields_t m = {.accumulate = f->accumulate | (t > 0),
                              .z_in = f->z_in,
                              .aspad_addr = f->aspad_addr + t * f->pixels,
                              .acc_addr = f->acc_addr,
                              .in_h = 1,
                              .in_w = f->pixels,
                              .out_h = 1,
                              .out_w = f->pixels,
                              .stride_y = 1,
                              .stride_x = 1};
    mica_matmul_encode(&m, out, NULL);
}

/* The static error of GEMV f on configuration c (MICA_ERR_*): its operations are then in range. */
static inline uint32_t mica_gemv_check(const mica_hw_config_t *c, const mica_gemv_fields_t *f) {
    if (f->folds < MICA_GEMV_FOLDS_MIN || f->pixels < MICA_GEMV_PIXELS_MIN)
        return MICA_ERR_BAD_LEN;
    if ((uint64_t)f->wspad_addr + (uint64_t)f->folds * c->rows > c->wspad_depth ||
        (uint64_t)f->aspad_addr + (uint64_t)f->folds * f->pixels > c->aspad_depth ||
        (uint64_t)f->acc_addr + f->pixels > c->acc_depth)
        return MICA_ERR_MEM_RANGE;
    return MICA_ERR_NONE;
}

#endif
