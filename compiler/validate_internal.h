/* Shared by validate.c (graph rules, operand table) and validate_ops.c (one shape rule per
 * operator family). */
#ifndef MICA_VALIDATE_INTERNAL_H
#define MICA_VALIDATE_INTERNAL_H
#include <stdint.h>
#include "validate.h"

#define MICA_VNAME 44 /* escaped tensor name in messages ("..." when longer) */
#define MICA_VDIMS 96 /* "[d0,d1,...]" */

/* The operator being checked and where its error goes. */
typedef struct {
    const tfl_model_t *m;
    const tfl_op_t *op;
    int idx;
    char *err;
    size_t errlen;
} mica_vctx_t;

/* A shape rule: checks options and operand shapes, derives the output shape and compares it with
 * the declared one. Operand counts are already checked (absent optional inputs are NULL). */
typedef int (*mica_vrule_fn)(const mica_vctx_t *c);

const tfl_tensor_t *mica_v_in(const mica_vctx_t *c, int k); /* NULL when absent (-1) */
const tfl_tensor_t *mica_v_out(const mica_vctx_t *c);
/* Writes "op N TYPE: " and the message; returns -1. */
int mica_v_fail(const mica_vctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *mica_v_name(const tfl_tensor_t *t, char buf[MICA_VNAME]);
char *mica_v_dims(const int64_t *dims, int rank, char buf[MICA_VDIMS]);
char *mica_v_shape(const tfl_tensor_t *t, char buf[MICA_VDIMS]);
void mica_v_dims_of(const tfl_tensor_t *t, int64_t *dims);
/* Output 0 must be declared as dims; otherwise "output 'y' is declared [..] but HOW gives [..]". */
int mica_v_expect(const mica_vctx_t *c, const int64_t *dims, int rank, const char *how);
/* Input k must have rank (min..max); what names its role ("input", "filter"). */
int mica_v_rank(const mica_vctx_t *c, int k, const char *what, int min, int max);
/* Input k as a constant integer vector of at most max values (int32, or int64 too when allow64):
 * the count, or -1 after failing with a message naming it. */
int mica_v_const_ints(const mica_vctx_t *c, int k, const char *what, int allow64, int32_t *v,
                      int max);
/* Option values: enum or range, failing with the field's name and the allowed values. */
int mica_v_padding(const mica_vctx_t *c, int field, int64_t *padding);
int mica_v_activation(const mica_vctx_t *c, int field);
/* Strides, dilations, pool filters and dilated windows: TFLite wants >= 1; Mica's kernels and
 * lowerings compute positions in int, so they are bounded well below overflow. */
#define MICA_MAX_WINDOW 65535
int mica_v_window_param(const mica_vctx_t *c, int field, const char *what, int64_t *value);

/* The shape rules (validate_ops.c). */
int mica_vrule_conv(const mica_vctx_t *c);
int mica_vrule_depthwise(const mica_vctx_t *c);
int mica_vrule_fully_connected(const mica_vctx_t *c);
int mica_vrule_pool(const mica_vctx_t *c);
int mica_vrule_broadcast(const mica_vctx_t *c);
int mica_vrule_same_shape(const mica_vctx_t *c);
int mica_vrule_pad(const mica_vctx_t *c);
int mica_vrule_concat(const mica_vctx_t *c);
int mica_vrule_mean(const mica_vctx_t *c);
int mica_vrule_resize(const mica_vctx_t *c);
int mica_vrule_strided_slice(const mica_vctx_t *c);
int mica_vrule_slice(const mica_vctx_t *c);
int mica_vrule_transpose(const mica_vctx_t *c);
int mica_vrule_reshape(const mica_vctx_t *c);
int mica_vrule_same_count(const mica_vctx_t *c); /* validate_rearrange.c */
int mica_vrule_space_depth(const mica_vctx_t *c);
int mica_vrule_pack(const mica_vctx_t *c);
int mica_vrule_split(const mica_vctx_t *c);

#endif
