#include <stdio.h>
#include <string.h>
#include "partition.h"
#include "mica_control.h"
#include "cpu_ops/cpu_ops.h"
#include "cpu_ops/int16.h"
#include "cpu_ops/int32.h"
#include "cpu_ops/cpu_util.h"
#include "mica_escape.h"
#include "mica_isa.h"

/* A rule returns 1 when the operator satisfies it; otherwise 0 with `detail` naming the offending
 * value (e.g. "stride_h 17 > 15 (MATMUL stride_y max)"); its text is the reason shown. */
typedef int (*rule_fn)(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len);
#define STR(x) #x
#define XSTR(x) STR(x)
#define REFUSE(...) (snprintf(detail, len, __VA_ARGS__), 0)

static const tfl_tensor_t *in_t(const tfl_model_t *m, const tfl_op_t *op, int k) {
    return mica_op_tensor(m, op, k);
}
static int is_conv(const tfl_op_t *op) {
    return op->builtin == TFL_OP_CONV_2D;
}
static int is_dw(const tfl_op_t *op) {
    return op->builtin == TFL_OP_DEPTHWISE_CONV_2D;
}
static int is_pool(const tfl_op_t *op) {
    return op->builtin == TFL_OP_AVERAGE_POOL_2D || op->builtin == TFL_OP_MAX_POOL_2D;
}
static int is_add(const tfl_op_t *op) {
    return op->builtin == TFL_OP_ADD;
}
static int is_tconv(const tfl_op_t *op) {
    return op->builtin == TFL_OP_TRANSPOSE_CONV;
}
static int is_bmm(const tfl_op_t *op) {
    return op->builtin == TFL_OP_BATCH_MATMUL;
}
/* Weights are input 1 (BATCH_MATMUL: the right operand) of every operator but the pools and ADD. */
static int has_weights(const tfl_op_t *op) {
    return !is_pool(op) && !is_add(op);
}
/* The activation input: TRANSPOSE_CONV's inputs are output_shape, weights, input[, bias]. */
static const tfl_tensor_t *act_in(const tfl_model_t *m, const tfl_op_t *op) {
    return in_t(m, op, is_tconv(op) ? 2 : 0);
}

static const char *shown(const tfl_tensor_t *t, char *buf, size_t n) {
    return mica_escape_name(t->name, buf, n);
}

/* "" when t is an int8 activation with one scale and zero point, else what it is. */
static int int8_act_detail(const tfl_tensor_t *t, const char *role, char *detail, size_t len) {
    char name[48];
    if (!t)
        return REFUSE("%s missing", role);
    if (t->data)
        return REFUSE("%s '%s' is a constant", role, shown(t, name, sizeof name));
    if (t->type != TFL_TYPE_INT8)
        return REFUSE("%s '%s' is %s", role, shown(t, name, sizeof name), tfl_type_name(t->type));
    if (t->nquant != 1)
        return REFUSE("%s '%s' has %d scales", role, shown(t, name, sizeof name), t->nquant);
    if (t->zero_point[0] < -128 || t->zero_point[0] > 127)
        return REFUSE("%s '%s' zero point %lld outside -128..127", role,
                      shown(t, name, sizeof name), (long long)t->zero_point[0]);
    return 1;
}

static int op_kind(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    (void)m;
    if (op->builtin == TFL_OP_CONV_2D || op->builtin == TFL_OP_DEPTHWISE_CONV_2D ||
        op->builtin == TFL_OP_FULLY_CONNECTED || is_pool(op) || is_add(op) || is_tconv(op) ||
        is_bmm(op))
        return 1;
    return REFUSE("operator %s", tfl_builtin_name(op->builtin));
}

/* 16x8 operators (int16 activations) stay on the CPU. */
static int no_int16(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    const tfl_tensor_t *t[2] = {act_in(m, op), mica_op_output(m, op, 0)};
    char name[48];
    for (int k = 0; k < 2; k++)
        if (t[k] && t[k]->type == TFL_TYPE_INT16)
            return REFUSE("%s '%s' is INT16", k ? "output" : "input",
                          shown(t[k], name, sizeof name));
    return 1;
}

static int int8_activations(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    if (!int8_act_detail(act_in(m, op), "input", detail, len))
        return 0;
    if (!int8_act_detail(mica_op_output(m, op, 0), "output", detail, len))
        return 0;
    if (is_add(op) && op->ninputs != 2)
        return REFUSE("%d inputs", op->ninputs);
    return !is_add(op) || int8_act_detail(in_t(m, op, 1), "input 1", detail, len);
}

/* The array's weights come from constants with zero point 0: BATCH_MATMUL runs on it as a
 * FULLY_CONNECTED whose weights are the constant right operand (transposed at compile time). */
static int bmm_constant_rhs(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    const tfl_tensor_t *r = in_t(m, op, 1);
    char name[48];
    if (!is_bmm(op))
        return 1;
    if (!r)
        return REFUSE("rhs missing");
    return r->data != NULL ||
           REFUSE("rhs '%s' is an activation, not a constant", shown(r, name, sizeof name));
}

/* adj_x: the left operand is [.., depth, rows]; a row's depth is then not contiguous. */
static int bmm_rows_contiguous(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    const tfl_tensor_t *l = in_t(m, op, 0);
    if (!is_bmm(op) || !tfl_opt_int(op, TFL_BMM_ADJ_X, 0) || l->rank < 2)
        return 1;
    int32_t rows = l->dims[l->rank - 1];
    return rows == 1 || REFUSE("adj_x with lhs of %d rows, each row's %d values %d bytes apart",
                               rows, l->dims[l->rank - 2], rows);
}

static int dense_int8_weights(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    const tfl_tensor_t *w = in_t(m, op, 1);
    char name[48];
    if (!has_weights(op))
        return 1;
    if (!w)
        return REFUSE("weights missing");
    if (!w->data)
        return REFUSE("weights '%s' are not constant", shown(w, name, sizeof name));
    if (w->type != TFL_TYPE_INT8)
        return REFUSE("weights '%s' are %s", shown(w, name, sizeof name), tfl_type_name(w->type));
    if (w->is_sparse || w->quant_details_type)
        return REFUSE("weights '%s' are sparse or custom-quantized", shown(w, name, sizeof name));
    if (w->nquant < 1)
        return REFUSE("weights '%s' have no scale", shown(w, name, sizeof name));
    return 1;
}

/* BATCH_MATMUL's constant may have a zero point: lower_bmm.c splits w - z_w over int8 taps. */
static int symmetric_weights(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    const tfl_tensor_t *w = in_t(m, op, 1);
    if (!has_weights(op) || is_bmm(op))
        return 1;
    for (int i = 0; i < w->nquant; i++)
        if (w->zero_point[i] != 0)
            return REFUSE("weight zero point %lld (channel %d)", (long long)w->zero_point[i], i);
    return 1;
}

static int int32_bias(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    int k = is_tconv(op) ? 3 : 2; /* TRANSPOSE_CONV: output_shape, weights, input, bias */
    const tfl_tensor_t *b = op->ninputs > k && has_weights(op) ? in_t(m, op, k) : NULL;
    char name[48];
    if (!b)
        return 1;
    if (!b->data)
        return REFUSE("bias '%s' is not constant", shown(b, name, sizeof name));
    return b->type == TFL_TYPE_INT32 ||
           REFUSE("bias '%s' is %s", shown(b, name, sizeof name), tfl_type_name(b->type));
}

static int conv_batch_one(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    const tfl_tensor_t *in = act_in(m, op);
    if (!(is_conv(op) || is_dw(op) || is_pool(op) || is_tconv(op)))
        return 1;
    if (in->rank != 4)
        return REFUSE("input rank %d", in->rank);
    return in->dims[0] == 1 || REFUSE("batch %d", in->dims[0]);
}

static int dw_multiplier(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    const tfl_tensor_t *in = in_t(m, op, 0), *w = in_t(m, op, 1);
    if (!is_dw(op))
        return 1;
    if (w->rank != 4 || in->rank != 4)
        return REFUSE("filter rank %d, input rank %d", w->rank, in->rank);
    if (w->dims[0] == 1 && in->dims[3] >= 1 && w->dims[3] % in->dims[3] == 0)
        return 1;
    return REFUSE("filter [%d, %d, %d, %d] for %d input channels", w->dims[0], w->dims[1],
                  w->dims[2], w->dims[3], in->dims[3]);
}

static int conv_ungrouped(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    const tfl_tensor_t *in = in_t(m, op, 0), *w = in_t(m, op, 1);
    if (!is_conv(op))
        return 1;
    if (w->rank != 4)
        return REFUSE("filter rank %d", w->rank);
    return w->dims[3] == in->dims[3] ||
           REFUSE("filter depth %d != input depth %d", w->dims[3], in->dims[3]);
}

/* Strides go to the instruction that runs the layer: MATMUL, or DWCONV on the vector unit (a
 * depthwise multiplier of 1, the pools). Both take the same range. */
_Static_assert(MICA_MATMUL_STRIDE_Y_MAX == MICA_DWCONV_STRIDE_Y_MAX &&
                   MICA_MATMUL_STRIDE_X_MAX == MICA_DWCONV_STRIDE_X_MAX &&
                   MICA_MATMUL_STRIDE_Y_MIN == MICA_DWCONV_STRIDE_Y_MIN &&
                   MICA_MATMUL_STRIDE_X_MIN == MICA_DWCONV_STRIDE_X_MIN,
               "one stride rule for MATMUL and DWCONV");

static int stride_fits(int64_t v, const char *what, const char *instr, const char *field,
                       int64_t lo, int64_t hi, char *detail, size_t len) {
    if (v < lo)
        return REFUSE("%s %lld < %lld (%s %s min)", what, (long long)v, (long long)lo, instr,
                      field);
    if (v > hi)
        return REFUSE("%s %lld > %lld (%s %s max)", what, (long long)v, (long long)hi, instr,
                      field);
    return 1;
}

static int strides_fit(int64_t sh, int64_t sw, const char *instr, char *detail, size_t len) {
    return stride_fits(sh, "stride_h", instr, "stride_y", MICA_MATMUL_STRIDE_Y_MIN,
                       MICA_MATMUL_STRIDE_Y_MAX, detail, len) &&
           stride_fits(sw, "stride_w", instr, "stride_x", MICA_MATMUL_STRIDE_X_MIN,
                       MICA_MATMUL_STRIDE_X_MAX, detail, len);
}

static int conv_stride(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    if (!(is_conv(op) || is_dw(op)))
        return 1;
    int64_t sw = tfl_opt_int(op, is_dw(op) ? TFL_DWCONV_STRIDE_W : TFL_CONV2D_STRIDE_W, 1);
    int64_t sh = tfl_opt_int(op, is_dw(op) ? TFL_DWCONV_STRIDE_H : TFL_CONV2D_STRIDE_H, 1);
    int vector = is_dw(op) && in_t(m, op, 1)->dims[3] == in_t(m, op, 0)->dims[3]; /* multiplier 1 */
    return strides_fit(sh, sw, vector ? "DWCONV" : "MATMUL", detail, len);
}

/* TRANSPOSE_CONV runs as stride_h x stride_w stride-1 convolutions, one per output phase; each
 * phase's STOREs write every stride_w-th output pixel, ext_stride = stride_w x channels bytes. */
static int tconv_scatter(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    const tfl_tensor_t *out = mica_op_output(m, op, 0);
    if (!is_tconv(op))
        return 1;
    int64_t sw = tfl_opt_int(op, TFL_TCONV_STRIDE_W, 1),
            sh = tfl_opt_int(op, TFL_TCONV_STRIDE_H, 1);
    if (out->rank != 4)
        return REFUSE("output rank %d", out->rank);
    if (sw < 1 || sh < 1 || sw > MICA_TCONV_STRIDE_MAX || sh > MICA_TCONV_STRIDE_MAX)
        return REFUSE("strides %lldx%lld outside 1..%d", (long long)sh, (long long)sw,
                      MICA_TCONV_STRIDE_MAX);
    int64_t step = sw * out->dims[3];
    return step <= MICA_STORE_EXT_STRIDE_MAX ||
           REFUSE("stride_w %lld x %d channels = %lld > %d (STORE ext_stride max)", (long long)sw,
                  out->dims[3], (long long)step, MICA_STORE_EXT_STRIDE_MAX);
}

static int pool_same_quant(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    const tfl_tensor_t *in = in_t(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!is_pool(op))
        return 1;
    float d = in->scale[0] - out->scale[0];
    if (in->zero_point[0] != out->zero_point[0])
        return REFUSE("input zero point %lld != output %lld", (long long)in->zero_point[0],
                      (long long)out->zero_point[0]);
    if (d < 1e-6f * out->scale[0] && -d < 1e-6f * out->scale[0])
        return 1;
    return REFUSE("input scale %g != output %g", (double)in->scale[0], (double)out->scale[0]);
}

static int pool_window(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    int64_t fh = tfl_opt_int(op, TFL_POOL_FILTER_H, 1), fw = tfl_opt_int(op, TFL_POOL_FILTER_W, 1);
    int64_t sh = tfl_opt_int(op, TFL_POOL_STRIDE_H, 1), sw = tfl_opt_int(op, TFL_POOL_STRIDE_W, 1);
    if (!is_pool(op))
        return 1;
    const tfl_tensor_t *out = mica_op_output(m, op, 0);
    if (out->rank == 4 && out->dims[1] == 1)
        sh = 1; /* one output row or column: stride unused */
    if (out->rank == 4 && out->dims[2] == 1)
        sw = 1;
    if (fh < 1 || fh > MICA_POOL_FILTER_MAX)
        return REFUSE("filter_h %lld outside 1..%d", (long long)fh, MICA_POOL_FILTER_MAX);
    if (fw < 1 || fw > MICA_POOL_FILTER_MAX)
        return REFUSE("filter_w %lld outside 1..%d", (long long)fw, MICA_POOL_FILTER_MAX);
    return strides_fit(sh, sw, "DWCONV", detail, len);
}

static int add_same_shape(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    if (!is_add(op))
        return 1;
    const tfl_tensor_t *x[2] = {in_t(m, op, 0), in_t(m, op, 1)}, *out = mica_op_output(m, op, 0);
    for (int k = 0; k < 2; k++) {
        if (x[k]->rank != out->rank)
            return REFUSE("input %d rank %d, output rank %d", k, x[k]->rank, out->rank);
        for (int d = 0; d < out->rank; d++)
            if (x[k]->dims[d] != out->dims[d])
                return REFUSE("input %d dimension %d is %d, output's %d", k, d, x[k]->dims[d],
                              out->dims[d]);
    }
    return 1;
}

static int add_arithmetic(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    if (!is_add(op))
        return 1;
    mica_binary_params_t p;
    if (mica_add_quant(op, in_t(m, op, 0), in_t(m, op, 1), mica_op_output(m, op, 0), &p, detail,
                       len))
        return 0;
    for (int k = 0; k < 2; k++) /* RESCALE shifts right by -in_shift */
        if (-(int64_t)p.in_shift[k] > MICA_RESCALE_RIGHT_SHIFT_MAX)
            return REFUSE("input %d shift %d needs right_shift %lld > %d (RESCALE right_shift max)",
                          k, p.in_shift[k], -(long long)p.in_shift[k],
                          MICA_RESCALE_RIGHT_SHIFT_MAX);
    return 1;
}

static int fused_activation(const tfl_model_t *m, const tfl_op_t *op, char *detail, size_t len) {
    (void)m;
    int field = is_conv(op)    ? TFL_CONV2D_ACTIVATION
                : is_dw(op)    ? TFL_DWCONV_ACTIVATION
                : is_pool(op)  ? TFL_POOL_ACTIVATION
                : is_tconv(op) ? TFL_TCONV_ACTIVATION
                : is_add(op)   ? 0
                               : TFL_FC_ACTIVATION;
    int64_t act = is_bmm(op) ? 0 : tfl_opt_int(op, field, 0); /* BATCH_MATMUL has none */
    if (act <= TFL_ACT_RELU6)
        return 1;
    return REFUSE("fused activation %s", act == TFL_ACT_TANH       ? "TANH"
                                         : act == TFL_ACT_SIGN_BIT ? "SIGN_BIT"
                                                                   : "unknown");
}

#define TCONV_STRIDES XSTR(MICA_TCONV_STRIDE_MAX)
#define STORE_STEP_MAX XSTR(MICA_STORE_EXT_STRIDE_MAX)
static const char tconv_scatter_text[] =
    "strides must be 1.." TCONV_STRIDES " and stride_w x output channels at most " STORE_STEP_MAX
    " (each output phase is STOREd to every stride-th pixel)";

/* In order: later rules may assume earlier ones hold. */
static const struct {
    rule_fn ok;
    const char *applies, *text;
} rules[] = {
    {op_kind, "any",
     "the accelerator runs CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, "
     "MAX_POOL_2D, ADD, TRANSPOSE_CONV and BATCH_MATMUL"},
    {no_int16, "all of these",
     "int16 activations (16x8 operators) run on the CPU: the array multiplies int8 by int8 and "
     "its output stage writes int8"},
    {bmm_constant_rhs, "BATCH_MATMUL",
     "the right operand must be a constant: the array's weights come from constants (a zero "
     "point is folded into them at compile time); a product of two activations runs on the CPU"},
    {bmm_rows_contiguous, "BATCH_MATMUL",
     "adj_x only with one row: the array reads each row's depth as contiguous channels"},
    {int8_activations, "all of these",
     "inputs and output must be int8 activation tensors with one scale and zero point"},
    {dense_int8_weights,
     "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV, BATCH_MATMUL",
     "weights must be constant, dense int8"},
    {symmetric_weights, "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV",
     "weights must be symmetric (zero point 0)"},
    {int32_bias, "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV",
     "bias must be absent or a constant int32 vector"},
    {conv_batch_one, "CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, pools",
     "convolution and pooling input must be NHWC with batch 1"},
    {tconv_scatter, "TRANSPOSE_CONV", tconv_scatter_text},
    {conv_ungrouped, "CONV_2D",
     "grouped convolution (filter depth != input depth) is not supported"},
    {dw_multiplier, "DEPTHWISE_CONV_2D",
     "filter must be [1, kh, kw, channels x depth multiplier] (multiplier 1 runs on the vector "
     "unit, more on the array)"},
    {conv_stride, "CONV_2D, DEPTHWISE_CONV_2D",
     "stride must be " XSTR(MICA_MATMUL_STRIDE_Y_MIN) ".." XSTR(MICA_MATMUL_STRIDE_Y_MAX)},
    {pool_same_quant, "AVERAGE_POOL_2D, MAX_POOL_2D",
     "pooling input and output must share scale and zero point (as TFLite requires)"},
    {pool_window, "AVERAGE_POOL_2D, MAX_POOL_2D",
     "pool filter must be 1.." XSTR(MICA_POOL_FILTER_MAX) " and stride " XSTR(
         MICA_MATMUL_STRIDE_Y_MIN) ".." XSTR(MICA_MATMUL_STRIDE_Y_MAX) " (any stride when the "
                                                                       "output is one pixel wide "
                                                                       "or high)"},
    {add_same_shape, "ADD",
     "both inputs must be activations of the output's shape (no broadcasting, no constant "
     "operand)"},
    {add_arithmetic, "ADD",
     "input/output scales must suit TFLite's int8 ADD arithmetic (multipliers below 1, shifts up "
     "to 31)"},
    {fused_activation, "all of these",
     "fused activation must be NONE, RELU, RELU_N1_TO_1 or RELU6"},
};

/* Which lowering uses which optional unit (lower_conv_fc.c, lower_pool.c, lower_add.c):
 * depthwise multiplier 1 and average pool run DWCONV MAC, max pool DWCONV MAXIMUM, ADD its
 * RESCALE input stage; FULLY_CONNECTED and average pool STORE with round mode REAL. */
uint32_t mica_op_features(const tfl_model_t *m, const tfl_op_t *op) {
    switch (op->builtin) {
    case TFL_OP_DEPTHWISE_CONV_2D: {
        const tfl_tensor_t *in = in_t(m, op, 0), *w = in_t(m, op, 1);
        int vector = in && w && in->rank == 4 && w->rank == 4 && w->dims[3] == in->dims[3];
        return vector ? MICA_FEATURE_DWCONV_MAC : 0;
    }
    case TFL_OP_AVERAGE_POOL_2D:
        return MICA_FEATURE_DWCONV_MAC | MICA_FEATURE_ROUND_REAL;
    case TFL_OP_MAX_POOL_2D:
        return MICA_FEATURE_DWCONV_MAX;
    case TFL_OP_ADD:
        return MICA_FEATURE_RESCALE;
    case TFL_OP_FULLY_CONNECTED:
        return MICA_FEATURE_ROUND_REAL;
    default:
        return 0;
    }
}

static const char *const feature_users[MICA_NUM_FEATURES] = {
    "DEPTHWISE_CONV_2D (multiplier 1), AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD",
    "FULLY_CONNECTED, AVERAGE_POOL_2D", "(none: the compiler does not use it)"};
static const char *const feature_text[MICA_NUM_FEATURES] = {
    "vector unit multiply lanes (DWCONV MAC)", "vector unit maximum lanes (DWCONV MAXIMUM)",
    "RESCALE lanes", "round mode REAL multiplier", "round mode SINGLE shifter"};

/* The configuration rule: every optional unit the op's lowering uses is present. */
static const char *absent_unit(const tfl_model_t *m, const tfl_op_t *op,
                               const mica_partition_opts_t *o, char *detail, size_t len) {
    uint32_t missing = o ? mica_op_features(m, op) & o->absent : 0;
    if (!missing)
        return NULL;
    unsigned bit = (unsigned)__builtin_ctz(missing);
    /* The reason itself names the configuration (the rule texts are static, this one is not). */
    snprintf(detail, len, "%s: this configuration (%s) has no %s", tfl_builtin_name(op->builtin),
             o->config_name ? o->config_name : "--config", feature_text[bit]);
    return detail;
}

static int forced(const tfl_op_t *op, const mica_partition_opts_t *o) {
    if (!o || !o->cpu_ops)
        return 0;
    const char *name = tfl_builtin_name(op->builtin), *p = o->cpu_ops;
    size_t n = strlen(name);
    while ((p = strstr(p, name)) != NULL) {
        int starts = p == o->cpu_ops || p[-1] == ',';
        if (starts && (p[n] == 0 || p[n] == ','))
            return 1;
        p += n;
    }
    return 0;
}

const char *mica_accel_reason(const tfl_model_t *m, const tfl_op_t *op,
                              const mica_partition_opts_t *o, char *detail, size_t len) {
    if (forced(op, o))
        return snprintf(detail, len, "--cpu %s", tfl_builtin_name(op->builtin)),
               "forced onto the CPU by --cpu";
    const char *why = absent_unit(m, op, o, detail, len);
    if (why)
        return why;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (!rules[i].ok(m, op, detail, len))
            return rules[i].text;
    if (len)
        detail[0] = 0;
    return NULL;
}

void mica_print_supported_ops(void *file, const mica_partition_opts_t *target) {
    FILE *f = file;
    fprintf(f, "| where | operators | rule (the text `mica compile` reports for an operator that "
               "breaks it) |\n|---|---|---|\n");
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        fprintf(f, "| ACCEL | %s | %s |\n", rules[i].applies, rules[i].text);
    for (unsigned i = 0; target && i < MICA_NUM_FEATURES; i++)
        if (target->absent >> i & 1)
            fprintf(f, "| CPU | %s | this configuration (%s) has no %s |\n", feature_users[i],
                    target->config_name ? target->config_name : "--config", feature_text[i]);
    fprintf(f,
            "| CPU | %s | bit-exact fallback kernels (driver/core/kernels), any operator the "
            "accelerator rules reject |\n",
            mica_cpu_op_names());
    fprintf(f,
            "| CPU int16 | %s | 16-bit paths: QUANTIZE int16 <-> int8/int16 and float32 -> int16, "
            "DEQUANTIZE int16 -> float32; RESHAPE through PADV2 and SELECT copy 2-byte elements; "
            "the pools, RELU, RELU6, LEAKY_RELU, ABS, MAXIMUM, MINIMUM, MEAN compute on int16 as "
            "LiteRT does, GREATER compares raw values as LiteRT does; CAST converts raw values "
            "between int16 and int8/int32/float32 (float32 saturates); BATCH_MATMUL multiplies "
            "two int16 operands (zero point 0); PRELU takes an int8 alpha; the others 16x8 (int16 "
            "activations with zero point 0, int8 weights, int64 bias); SVDF "
            "keeps its int16 state between invokes; UNIDIRECTIONAL_SEQUENCE_LSTM 16x8, SUM and "
            "SQUARED_DIFFERENCE follow TFLite Micro's arithmetic (LiteRT has no int16 kernel for "
            "them) |\n",
            mica_cpu_int16_names());
    fprintf(f,
            "| CPU int32 | %s | int32 tensors inside the graph (loop counters, index arithmetic): "
            "ADD, SUB, MUL clamp to the fused activation's int32 range, MAXIMUM, MINIMUM and the "
            "comparisons are plain, SELECT picks int32 elements; GATHER with run-time int32 "
            "indices (int8 or int32 params) and EMBEDDING_LOOKUP (run-time int32 ids, constant "
            "int8 table, rows copied); RESHAPE, SQUEEZE, EXPAND_DIMS and CONCATENATION copy int32 "
            "elements; an index outside its axis fails the step |\n",
            mica_cpu_int32_names());
    fprintf(f,
            "| CPU control | IF, WHILE, CALL_ONCE, VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE | "
            "subgraphs: each compiled like a model (accelerator where the rules allow), run by "
            "control steps that copy the tensors they pass; WHILE stops with an error after "
            "%u iterations (--while-limit N), recursion is refused; a resource variable is a state "
            "tensor kept "
            "between invokes, zeroed (and CALL_ONCE re-armed) by a state reset |\n",
            MICA_WHILE_MAX_ITERATIONS_DEFAULT);
}
