#include <math.h>
#include <string.h>
#include "cpu_util.h"
#include "quant.h"

int mica_is_int8_q(const tfl_tensor_t *t) {
    return t && t->type == TFL_TYPE_INT8 && t->nquant == 1 && t->zero_point[0] >= -128 &&
           t->zero_point[0] <= 127 && mica_scale_ok(t->scale[0]) && !t->is_sparse &&
           !t->quant_details_type;
}

int mica_const_ints(const tfl_tensor_t *t, int32_t *v, int max) {
    if (!t || !t->data || (t->type != TFL_TYPE_INT32 && t->type != TFL_TYPE_INT64))
        return -1;
    int64_t n = mica_tensor_elements(t);
    size_t esz = t->type == TFL_TYPE_INT32 ? 4 : 8;
    if (n > max || t->data_size < (size_t)n * esz)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        if (esz == 4) {
            int32_t x;
            memcpy(&x, t->data + 4 * i, 4);
            v[i] = x;
        } else {
            int64_t x;
            memcpy(&x, t->data + 8 * i, 8);
            if (x < INT32_MIN || x > INT32_MAX)
                return -1;
            v[i] = (int32_t)x;
        }
    }
    return (int)n;
}

int32_t mica_conv_pad(int32_t in, int32_t out, int32_t k, int32_t stride, int32_t dil) {
    int64_t total = (int64_t)(out - 1) * stride + (int64_t)(k - 1) * dil + 1 - in;
    return total > 0 ? (int32_t)(total / 2) : 0;
}

int mica_fused_range(int act, const tfl_tensor_t *out, int32_t *lo, int32_t *hi, char *err,
                     size_t errlen) {
    int wide = out->type == TFL_TYPE_INT16; /* a 16-bit activation's range */
    int rc = mica_activation_range_q(act, out->scale[0], (int32_t)out->zero_point[0],
                                     wide ? -32768 : -128, wide ? 32767 : 127, lo, hi);
    if (rc == -1)
        REJECT("fused activation %d is not supported (NONE, RELU, RELU_N1_TO_1, RELU6 are)", act);
    if (rc)
        REJECT("output '%.24s' scale %.3g puts fused activation %d's bounds outside int32 "
               "(TFLite's float-to-int "
               "conversion overflows)",
               out->name, (double)out->scale[0], act);
    return 0;
}

int mica_checked_multiplier(double real, const char *op, const tfl_tensor_t *a,
                            const tfl_tensor_t *b, int b_channel, const tfl_tensor_t *out,
                            int32_t *m, int *shift, char *err, size_t errlen) {
    if (!mica_quantize_multiplier(real, m, shift))
        return 0;
    char from[160] = "";
    const tfl_tensor_t *in[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        if (!in[k])
            continue;
        int ch = k == 1 && in[k]->nquant > 1 ? b_channel : 0;
        size_t n = strlen(from);
        snprintf(from + n, sizeof from - n, "'%.24s' scale %.3g, ", in[k]->name,
                 (double)in[k]->scale[ch]);
    }
    int e = 0;
    if (isfinite(real))
        frexp(real, &e);
    REJECT("%soutput '%.24s' scale %.3g give a multiplier %.3g (2^%d) that TFLite's int8 %s cannot "
           "represent",
           from, out->name, (double)out->scale[0], real, e, op);
}

int mica_append_const(mica_buf_t *params, size_t block_start, const tfl_tensor_t *t, uint32_t *off,
                      uint32_t *len) {
    int64_t n = mica_tensor_elements(t);
    if (!t->data || n < 1 || t->data_size < (size_t)n)
        return -1;
    *off = (uint32_t)(params->len - block_start);
    *len = (uint32_t)n;
    return mica_buf_append(params, t->data, (size_t)n);
}

int mica_append_lut(mica_buf_t *params, int8_t (*f)(int32_t x, const void *ctx), const void *ctx) {
    mica_lut_params_t p;
    for (int32_t x = -128; x <= 127; x++)
        p.table[(uint8_t)(int8_t)x] = f(x, ctx);
    return mica_buf_append(params, &p, sizeof p);
}

void mica_row_strides(const int32_t *dims, int rank, int64_t *strides) {
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        strides[d] = s;
        s *= dims[d];
    }
}

int mica_fc_real_fits(double real, int32_t bias, const int8_t *w_row, int32_t n, int row,
                      const tfl_tensor_t *out, char *err, size_t errlen) {
    int64_t bound =
        bias < 0 ? -(int64_t)bias : bias; /* |acc| <= |bias| + 255 * sum |w| (|x - zp| <= 255) */
    for (int32_t i = 0; i < n; i++)
        bound += 255 * (w_row[i] < 0 ? -(int64_t)w_row[i] : w_row[i]);
    if (real * (double)bound < 2147483647.0)
        return 0;
    REJECT("output '%.24s' scale %.3g: row %d's multiplier %.3g times an accumulator up to %lld "
           "passes int32, "
           "where LiteRT's double-to-int conversion overflows",
           out->name, (double)out->scale[0], row, real, (long long)bound);
}

void mica_slice_range(int32_t begin, int32_t end, int32_t stride, int32_t dim, int bmask, int emask,
                      int shrink, int32_t *start, int32_t *count) {
    int64_t s = begin, e;
    if (bmask)
        s = stride > 0 ? 0 : dim - 1;
    else {
        if (s < 0)
            s += dim;
        s = stride > 0 ? (s < 0 ? 0 : (s > dim ? dim : s))
                       : (s < -1 ? -1 : (s > dim - 1 ? dim - 1 : s));
    }
    if (shrink)
        e = s + 1;
    else if (emask)
        e = stride > 0 ? dim : -1;
    else {
        e = end;
        if (e < 0)
            e += dim;
        e = stride > 0 ? (e < 0 ? 0 : (e > dim ? dim : e))
                       : (e < -1 ? -1 : (e > dim - 1 ? dim - 1 : e));
    }
    int64_t st = stride; /* -INT32_MIN overflows an int32 */
    int64_t n = st > 0 ? (e - s + st - 1) / st : (s - e - st - 1) / -st;
    *start = (int32_t)s;
    *count = (int32_t)(n > 0 ? n : 0);
}

int mica_reduce_layout(const tfl_model_t *m, const tfl_op_t *op, const char *name,
                       mica_reduce_layout_t *l, int64_t *n, char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0);
    if (!in || in->rank < 1 || in->rank > MICA_MAX_RANK)
        REJECT("%s: rank must be 1..%d", name, MICA_MAX_RANK);
    int32_t axes[16];
    int naxes = mica_const_ints(mica_op_tensor(m, op, 1), axes, 16);
    if (naxes < 1)
        REJECT("%s: axes must be a constant int32 vector", name);
    int reduced[MICA_MAX_RANK] = {0};
    for (int i = 0; i < naxes; i++) {
        int a = axes[i] < 0 ? axes[i] + in->rank : axes[i];
        if (a < 0 || a >= in->rank)
            REJECT("%s: axis %d out of range", name, axes[i]);
        reduced[a] = 1;
    }
    memset(l, 0, sizeof *l);
    int64_t st[MICA_MAX_RANK];
    mica_row_strides(in->dims, in->rank, st);
    *n = 1;
    for (int d = 0; d < in->rank; d++) {
        if (reduced[d]) {
            l->red_dims[l->red_rank] = in->dims[d];
            l->red_strides[l->red_rank++] = (int32_t)st[d];
            *n *= in->dims[d];
        } else {
            l->out_dims[l->out_rank] = in->dims[d];
            l->out_strides[l->out_rank++] = (int32_t)st[d];
        }
    }
    return 0;
}
