/* Translated programs for the func backend (func_plan.c). */
#ifndef MICA_FUNC_PLAN_H
#define MICA_FUNC_PLAN_H
#include "func_model.h"

struct mica_fp_cache *mica_fp_new(void);
void mica_fp_free(struct mica_fp_cache *c);
/* ON = 0 keeps translations built from now on off the AVX-VNNI paths (to test the others). */
void mica_fp_set_vnni(struct mica_fp_cache *c, int on);
/* Runs the program at PROG_ADDR/PROG_LEN from its translation: 1 if it ran, 0 if there is none. */
int mica_fp_run(mica_fm_t *m);
/* After a successful interpreted run of PROG_ADDR/PROG_LEN: translate it for the next runs. */
void mica_fp_translate(mica_fm_t *m);
/* Bring WSPAD, PARAM, the weight shadows and ACC to what the interpreter would have left. */
void mica_fp_materialize(mica_fm_t *m);
/* A write of [addr, addr + bytes) is about to happen. */
void mica_fp_note_write(mica_fm_t *m, uint64_t addr, uint64_t bytes);
/* The vector unit, for the interpreter and translated runs. DWCONV: N taps D (one output shape;
 * weights W: N x LANES int16, LANES = min(ROWS, COLS)), MAX = the mode, ACC rows into OUT (row t
 * at out + t * stride). */
void mica_fp_dw_taps(mica_fm_t *m, const mica_fm_matmul_t *d, const int16_t *w, uint32_t n, int max,
                     int accumulate, int32_t *out, size_t stride);
/* Runs made from translations so far (tests). */
uint64_t mica_fp_translated_runs(const mica_fm_t *m);

#endif
