/* Element-wise ADD, SUB, MUL, MAXIMUM, MINIMUM on int8 with broadcasting, bit-exact with TFLite's
 * reference kernels: ADD/SUB rescale both inputs with left_shift 20 and MultiplyByQuantized-
 * MultiplierSmallerThanOneExp, MUL multiplies the zero-point-free inputs and requantizes with
 * double rounding, MAXIMUM/MINIMUM compare the raw int8 values.
 * Speed: dimensions both inputs walk contiguously are merged, so the inner loop runs over long
 * rows (a whole tensor without broadcasting); ADD/SUB look each input's rescaled value up in a
 * 256-entry table built once per call (it depends only on the int8 value). The int32 kernel
 * (ADD_I32 ... MINIMUM_I32, mica_kernels_int32.h) shares the broadcast walk. */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

#define ADD_LEFT_SHIFT 20
#define SQDIFF_LEFT_SHIFT 7 /* squared_difference.cc: 255^2 * 2^14 fits int32 */

static int binary_quant_ok(const mica_binary_params_t *p) {
    if (p->op < MICA_BIN_ADD || p->op > MICA_BIN_SQDIFF || !mica_zp_ok(p->out_zp) ||
        !mica_act_ok(p->act_min, p->act_max) || !mica_shift_ok(p->out_shift))
        return 0;
    for (int k = 0; k < 2; k++)
        if (!mica_zp_ok(p->in_zp[k]) || !mica_shift_ok(p->in_shift[k]))
            return 0;
    return 1;
}

/* The operation with its constants prepared once per call. */
typedef struct {
    const mica_binary_params_t *p;
    mica_rescale_t out, pos; /* pos: PRELU's multiplier for x >= z_in */
    uint32_t scaled[2][256]; /* ADD/SUB: input k's value rescaled, by (uint8_t)raw; SUB's negated */
} binary_op_t;

static void binary_op_init(const mica_binary_params_t *p, binary_op_t *op) {
    op->p = p;
    op->out = mica_rescale_make(p->out_mult, p->out_shift);
    op->pos = mica_rescale_make(p->in_mult[0], p->in_shift[0]);
    if (p->op != MICA_BIN_ADD && p->op != MICA_BIN_SUB && p->op != MICA_BIN_SQDIFF)
        return;
    const int left = p->op == MICA_BIN_SQDIFF ? SQDIFF_LEFT_SHIFT : ADD_LEFT_SHIFT;
    for (int k = 0; k < 2; k++) {
        const mica_rescale_t in = mica_rescale_make(p->in_mult[k], p->in_shift[k]);
        for (int32_t v = -128; v < 128; v++) {
            uint32_t s = (uint32_t)mica_rescale((v - p->in_zp[k]) * (1 << left), &in);
            op->scaled[k][(uint8_t)v] =
                k == 1 && p->op == MICA_BIN_SUB ? 0u - s : s; /* int32 wrap */
        }
    }
}

/* out[i] = a[i * sa] op b[i * sb] for i < len. */
static void binary_row(const binary_op_t *op, const int8_t *a, int32_t sa, const int8_t *b,
                       int32_t sb, int8_t *out, int32_t len) {
    const mica_binary_params_t *p = op->p;
    const int32_t zp = p->out_zp, lo = p->act_min, hi = p->act_max; /* locals: out may alias */
    const uint32_t *ta = op->scaled[0], *tb = op->scaled[1];
    int64_t ia = 0, ib = 0;
    switch (p->op) {
    case MICA_BIN_ADD:
    case MICA_BIN_SUB:
        for (int32_t i = 0; i < len; i++, ia += sa, ib += sb)
            out[i] = mica_output_int8((int32_t)(ta[(uint8_t)a[ia]] + tb[(uint8_t)b[ib]]), &op->out,
                                      zp, lo, hi);
        break;
    case MICA_BIN_MUL: {
        const int32_t za = p->in_zp[0], zb = p->in_zp[1];
        for (int32_t i = 0; i < len; i++, ia += sa, ib += sb)
            out[i] = mica_output_int8((a[ia] - za) * (b[ib] - zb), &op->out, zp, lo, hi);
        break;
    }
    case MICA_BIN_SQDIFF:
        for (int32_t i = 0; i < len; i++, ia += sa, ib += sb) {
            /* |d| < 2^15 for the compiler's constants; a damaged block wraps instead of UB */
            uint32_t d = ta[(uint8_t)a[ia]] - tb[(uint8_t)b[ib]];
            out[i] = mica_output_int8((int32_t)(d * d), &op->out, zp, lo, hi);
        }
        break;
    case MICA_BIN_PRELU: {
        const int32_t za = p->in_zp[0], zb = p->in_zp[1];
        for (int32_t i = 0; i < len; i++, ia += sa, ib += sb) {
            int32_t x = a[ia] - za;
            out[i] = x >= 0 ? mica_output_int8(x, &op->pos, zp, lo, hi)
                            : mica_output_int8(x * (b[ib] - zb), &op->out, zp, lo, hi);
        }
        break;
    }
    case MICA_BIN_MAX: /* raw values, unclamped, as TFLite's MAXIMUM / MINIMUM */
        for (int32_t i = 0; i < len; i++, ia += sa, ib += sb)
            out[i] = a[ia] > b[ib] ? a[ia] : b[ib];
        break;
    default:
        for (int32_t i = 0; i < len; i++, ia += sa, ib += sb)
            out[i] = a[ia] < b[ib] ? a[ia] : b[ib];
    }
}

/* Drops size-1 dimensions and merges each dimension into the next inner one where both inputs
 * walk it contiguously (stride = inner stride * inner size), so rows get long. Returns the rank. */
static int32_t binary_merge_dims(const mica_binary_params_t *p, int32_t *dims,
                                 int32_t strides[2][MICA_MAX_RANK]) {
    int32_t r = 0;
    for (int32_t d = 0; d < p->rank; d++) {
        if (p->dims[d] == 1)
            continue;
        int merge = r > 0 && (int64_t)dims[r - 1] * p->dims[d] <= MICA_DIM_MAX;
        for (int k = 0; k < 2 && merge; k++)
            merge = strides[k][r - 1] == (int64_t)p->strides[k][d] * p->dims[d];
        if (merge)
            dims[r - 1] *= p->dims[d];
        else
            dims[r++] = p->dims[d];
        for (int k = 0; k < 2; k++)
            strides[k][r - 1] = p->strides[k][d];
    }
    if (r == 0) { /* a single element */
        dims[r++] = 1;
        strides[0][0] = strides[1][0] = 0;
    }
    return r;
}

/* int32 elements (ADD_I32 ... MINIMUM_I32): TFLite's int32 arithmetic, wrapping where it would
 * overflow, clamped to the fused activation's int32 range; unaligned-safe loads and stores. */
static int32_t load32(const int8_t *at) {
    int32_t v;
    mica_copy_params(&v, at, 4);
    return v;
}

static void binary_row_i32(const binary_op_t *op, const int8_t *a, int32_t sa, const int8_t *b,
                           int32_t sb, int8_t *out, int32_t len) {
    const mica_binary_params_t *p = op->p;
    for (int32_t i = 0; i < len; i++) {
        const uint32_t x = (uint32_t)load32(a + 4 * (int64_t)i * sa),
                       y = (uint32_t)load32(b + 4 * (int64_t)i * sb);
        int32_t v = p->op == MICA_BIN_ADD   ? (int32_t)(x + y)
                    : p->op == MICA_BIN_SUB ? (int32_t)(x - y)
                    : p->op == MICA_BIN_MUL ? (int32_t)(x * y)
                    : p->op == MICA_BIN_MAX ? ((int32_t)x > (int32_t)y ? (int32_t)x : (int32_t)y)
                                            : ((int32_t)x < (int32_t)y ? (int32_t)x : (int32_t)y);
        if (p->op <= MICA_BIN_MUL)
            v = mica_clamp32(v, p->act_min, p->act_max);
        mica_copy_params(out + 4 * (int64_t)i, &v, 4);
    }
}

typedef void (*binary_row_fn)(const binary_op_t *op, const int8_t *a, int32_t sa, const int8_t *b,
                              int32_t sb, int8_t *out, int32_t len);

/* The broadcast walk shared by the int8 and int32 kernels: width bytes per element. */
static int binary_walk(const mica_kernel_call_t *c, const binary_op_t *op, int32_t width,
                       binary_row_fn row_fn) {
    const mica_binary_params_t *p = op->p;
    int64_t n = mica_count(p->dims, p->rank);
    if (n < 1 || n * width != (int64_t)c->out_bytes[0])
        return -1;
    const int8_t *src[2];
    uint32_t len[2];
    int next = 0;
    for (int k = 0; k < 2; k++) {
        src[k] =
            mica_operand_or_const(c, sizeof *p, p->const_off[k], p->const_len[k], &next, &len[k]);
        if (!src[k] || !mica_strided_fits(0, p->dims, p->strides[k], p->rank, len[k] / width))
            return -1;
    }
    if (next != c->ninputs)
        return -1;
    int32_t dims[MICA_MAX_RANK], strides[2][MICA_MAX_RANK], idx[MICA_MAX_RANK] = {0};
    const int32_t rank = binary_merge_dims(p, dims, strides), row = dims[rank - 1];
    const int32_t *const outer_strides[2] = {strides[0], strides[1]};
    int64_t off[2] = {0, 0};
    for (int64_t i = 0; i < n; i += row) { /* outer dimensions: the index walk once per row */
        row_fn(op, src[0] + off[0] * width, strides[0][rank - 1], src[1] + off[1] * width,
               strides[1][rank - 1], c->out[0] + i * width, row);
        mica_nd_next(rank - 1, dims, idx, 2, outer_strides, off);
    }
    return 0;
}

int mica_k_binary(const mica_kernel_call_t *c) {
    const mica_binary_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->noutputs != 1 || !binary_quant_ok(p))
        return -1;
    binary_op_t op;
    binary_op_init(p, &op);
    return binary_walk(c, &op, 1, binary_row);
}

int mica_k_binary_i32(const mica_kernel_call_t *c) {
    const mica_binary_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->noutputs != 1 || p->op < MICA_BIN_ADD ||
        p->op > MICA_BIN_MIN || p->act_min > p->act_max)
        return -1;
    binary_op_t op; /* only .p is read: no initializer (a zeroed table would be a memset call) */
    op.p = p;
    return binary_walk(c, &op, 4, binary_row_i32);
}
