/* The instructions the lowerings build, each in one place, through the spec's typed encoders
 * (mica_<op>_encode in the generated mica_isa.h). A value that does not fit records one line
 * naming the layer, the field and the value in b->err (mica_encoded). */
#ifndef MICA_INSTR_H
#define MICA_INSTR_H
#include <stdint.h>
#include "builder.h"

/* How a layer's accumulators become int8 outputs (STORE): round mode (MICA_STORE_ROUND_*),
 * output zero point and activation clamp. */
typedef struct {
    uint32_t round;
    int32_t z_out, act_min, act_max;
} mica_requant_t;

/* A PARAM set is MICA_PARAM_ROWS rows of COLS int32 lanes (hw/mica.json "param_rows").
 * Writes lane c of the set at `set` (MICA_PARAM_ROWS x cols int32). */
static inline void mica_param_lane(int32_t *set, uint32_t cols, uint32_t c, int32_t bias,
                                   int32_t mult, int32_t shift, int32_t mult_lo) {
    set[MICA_PARAM_BIAS * cols + c] = bias;
    set[MICA_PARAM_MULT * cols + c] = mult;
    set[MICA_PARAM_SHIFT * cols + c] = shift;
    set[MICA_PARAM_MULT_LO * cols + c] = mult_lo;
}

/* A 2-D transfer: rows x len bytes between on-chip row `row` and external ext_addr + i * stride. */
typedef struct {
    uint32_t row, rows, len, ext_addr, ext_stride;
} mica_rows_t;

/* LOAD into target (MICA_LOAD_TARGET_*): each row's bytes start at byte col, the rest is fill. */
int mica_instr_load(mica_builder_t *b, const char *layer, uint32_t target, const mica_rows_t *r,
                    uint32_t col, int32_t fill, mica_instr_t *out);
/* STORE of ACC rows with PARAM set param_set, requantized as q says. */
int mica_instr_store(mica_builder_t *b, const char *layer, const mica_requant_t *q,
                     const mica_rows_t *r, uint32_t param_set, mica_instr_t *out);
/* The same into `target` (MICA_STORE_TARGET_*): ASPAD rows r->ext_addr.. (r->ext_stride unused). */
int mica_instr_store_to(mica_builder_t *b, const char *layer, const mica_requant_t *q,
                        const mica_rows_t *r, uint32_t param_set, uint32_t target,
                        mica_instr_t *out);
int mica_instr_end(mica_instr_t *out);

#endif
