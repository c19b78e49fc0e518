/* BATCH_MATMUL with a constant right operand on the array, as FULLY_CONNECTED: the left operand's
 * rows (of every batch) are pixels, its depth the input channels, the constant the weights
 * ([cols][depth]: transposed at compile time, adj_y included, its zero point folded in). When the constant broadcasts over
 * every batch, all rows are one layer; otherwise each output batch is a layer with its own
 * weights, one after another in one step (each ends with a SYNC draining every unit). Layout,
 * broadcasting and the multiplier as the CPU kernel computes them (cpu_ops/batch_matmul.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "lower_gemm.h"
#include "cpu_ops/cpu_ops.h"
#include "mica_ops.h"

_Static_assert((int)MICA_ACCEL_BATCH_MATMUL == (int)TFL_OP_BATCH_MATMUL,
               "step op code is the TFLite builtin");

static int64_t batch_count(const mica_batch_matmul_params_t *p) {
    int64_t n = 1;
    for (int d = 0; d < p->batch_rank; d++)
        n *= p->batch_dims[d];
    return n;
}

/* Element offset of output batch ob in operand k (0 lhs, 1 rhs), broadcasting by its strides. */
static int64_t batch_offset(const mica_batch_matmul_params_t *p, int k, int64_t ob) {
    int64_t off = 0;
    for (int d = p->batch_rank - 1; d >= 0; d--) {
        off += (ob % p->batch_dims[d]) * p->batch_strides[k][d];
        ob /= p->batch_dims[d];
    }
    return off;
}

static int rhs_shared(const mica_batch_matmul_params_t *p) {
    for (int d = 0; d < p->batch_rank; d++)
        if (p->batch_strides[1][d])
            return 0;
    return 1;
}

/* The array's weights have zero point 0, the constant z: w - z (up to 255 in magnitude) is split
 * into int8 pieces, one kernel tap each, every tap reading the same pixel (dilation 0), so the
 * accumulator is sum (x - z_in) * (w - z) exactly. 1 tap when every w - z fits int8, else 2 or 3. */
static int zero_point_taps(const int8_t *rhs, int64_t n, int z) {
    int taps = 1;
    for (int64_t i = 0; i < n; i++) {
        int v = rhs[i] - z, t = v >= -128 && v <= 127 ? 1 : v >= -256 && v <= 254 ? 2 : 3;
        taps = t > taps ? t : taps;
    }
    return taps;
}

/* The weights [cols][taps][depth] of the rhs batch at element offset off: transposed, less z. */
static void transposed_rhs(const mica_batch_matmul_params_t *p, const int8_t *rhs, int64_t off,
                           int taps, int8_t *w) {
    for (int j = 0; j < p->cols; j++)
        for (int k = 0; k < p->depth; k++) {
            int v = rhs[off + (int64_t)k * p->rhs_depth_stride + (int64_t)j * p->rhs_col_stride] -
                    p->rhs_zp;
            for (int t = 0; t < taps; t++) {
                int piece = v < -128 ? -128 : v > 127 ? 127 : v;
                w[((size_t)j * taps + t) * p->depth + k] = (int8_t)piece;
                v -= piece;
            }
        }
}

/* One layer per group of output batches sharing their weights: all of them, or each alone. */
static int emit_batches(mica_builder_t *b, const mica_batch_matmul_params_t *p, const int8_t *rhs,
                        mica_gemm_layer_t *L, int8_t *w) {
    int64_t batches = batch_count(p), groups = rhs_shared(p) ? 1 : batches;
    uint32_t in0 = L->in_addr, out0 = L->out_addr;
    int64_t pixels = batches / groups * p->rows;
    if (pixels > 65535)
        MICA_ERR("layer %s: %lld rows of one weight set; up to 65535 supported", L->name,
                 (long long)pixels);
    L->in_h = L->out_h = (int)pixels;
    size_t used = strlen(b->plan_note);
    if (groups > 1 && used + 1 < sizeof b->plan_note)
        snprintf(b->plan_note + used, sizeof b->plan_note - used,
                 "  batches: %lld layers of %lld rows, each with its own weights\n",
                 (long long)groups, (long long)pixels);
    used = strlen(b->plan_note);
    for (int64_t g = 0; g < groups; g++) {
        if (g > 0)
            b->plan_note[used] = 0; /* the first layer's tiling stands for all */
        transposed_rhs(p, rhs, batch_offset(p, 1, g), L->kw, w);
        L->weights = w;
        L->in_addr = in0 + (uint32_t)(groups == 1 ? 0 : batch_offset(p, 0, g));
        L->out_addr = out0 + (uint32_t)(g * p->rows * p->cols);
        if (mica_lower_gemm_part(b, L, g == groups - 1))
            return -1;
    }
    return 0;
}

int mica_lower_bmm(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    mica_batch_matmul_params_t p;
    char why[200] = "missing inputs";
    if (op->ninputs < 2 || mica_bmm_layout(m, op, &p, why, sizeof why))
        MICA_ERR("op %d (BATCH_MATMUL): %s", idx, why);
    const tfl_tensor_t *l = mica_op_tensor(m, op, 0), *r = mica_op_tensor(m, op, 1),
                       *out = mica_op_output(m, op, 0);
    if (b->tensor_map[op->inputs[0]] < 0 || b->tensor_map[op->outputs[0]] < 0 || !r->data)
        MICA_ERR("op %d (BATCH_MATMUL): lhs and output must be int8 activations, rhs a constant",
                 idx);
    if (p.lhs_depth_stride != 1 && p.rows != 1)
        MICA_ERR("op %d (BATCH_MATMUL): adj_x with %d rows (partition rule)", idx, p.rows);
    mica_gemm_layer_t L;
    memset(&L, 0, sizeof L);
    char name[MICA_NAME_LEN];
    snprintf(name, sizeof name, "%d_bmm", idx);
    L.name = name;
    L.in_w = L.out_w = 1;
    L.cin = p.depth, L.cout = p.cols;
    L.kh = L.stride_h = L.stride_w = L.dil_h = 1;
    L.kw = zero_point_taps((const int8_t *)r->data, mica_tensor_elements(r), p.rhs_zp);
    L.dil_w = L.kw > 1 ? 0 : 1; /* the taps read the same pixel */
    size_t n = (size_t)p.cols;
    int32_t *q = malloc(sizeof(int32_t) * n * 3);
    int8_t *w = malloc(n * (size_t)L.kw * (size_t)p.depth + 1);
    int rc = -1;
    if (!q || !w) {
        mica_fail(b, "op %d (BATCH_MATMUL): out of memory", idx);
        goto done;
    }
    L.weights = w; /* mica_gemm_requant's FULLY_CONNECTED check only; BATCH_MATMUL is DOUBLE */
    if (mica_gemm_requant(b, idx, op->builtin, 0, l, r, out, &L, q, q + n, q + 2 * n))
        goto done;
    L.in_addr = mica_tensor_at(b, b->tensor_map[op->inputs[0]])->addr;
    L.out_addr = mica_tensor_at(b, b->tensor_map[op->outputs[0]])->addr;
    uint32_t first = mica_code_count(b);
    if (emit_batches(b, &p, (const int8_t *)r->data, &L, w))
        goto done;
    uint64_t macs = (uint64_t)batch_count(&p) * p.rows * p.cols * p.depth;
    rc = mica_accel_step(b, op, name, first, 1, macs);
done:
    free(q);
    free(w);
    return rc;
}
