#include <stdio.h>
#include <string.h>
#include "partition.h"
#include "cpu_ops/cpu_ops.h"
#include "cpu_ops/cpu_util.h"

/* A rule returns 1 when the operator satisfies it; its text is the reason shown otherwise. */
typedef int (*rule_fn)(const tfl_model_t *m, const tfl_op_t *op);

static const tfl_tensor_t *in_t(const tfl_model_t *m, const tfl_op_t *op, int k) { return mica_op_tensor(m, op, k); }
static int is_conv(const tfl_op_t *op) { return op->builtin == TFL_OP_CONV_2D; }
static int is_dw(const tfl_op_t *op) { return op->builtin == TFL_OP_DEPTHWISE_CONV_2D; }
static int is_pool(const tfl_op_t *op) { return op->builtin == TFL_OP_AVERAGE_POOL_2D || op->builtin == TFL_OP_MAX_POOL_2D; }
static int is_add(const tfl_op_t *op) { return op->builtin == TFL_OP_ADD; }
static int has_weights(const tfl_op_t *op) { return !is_pool(op) && !is_add(op); }

static int is_int8_act(const tfl_tensor_t *t) {
    return t && !t->data && t->type == TFL_TYPE_INT8 && t->nquant == 1 && t->zero_point[0] >= -128 && t->zero_point[0] <= 127;
}

static int op_kind(const tfl_model_t *m, const tfl_op_t *op) {
    (void)m;
    return op->builtin == TFL_OP_CONV_2D || op->builtin == TFL_OP_DEPTHWISE_CONV_2D ||
           op->builtin == TFL_OP_FULLY_CONNECTED || is_pool(op) || is_add(op);
}

static int int8_activations(const tfl_model_t *m, const tfl_op_t *op) {
    return is_int8_act(in_t(m, op, 0)) && is_int8_act(mica_op_output(m, op, 0)) &&
           (!is_add(op) || (op->ninputs == 2 && is_int8_act(in_t(m, op, 1))));
}

static int dense_int8_weights(const tfl_model_t *m, const tfl_op_t *op) {
    const tfl_tensor_t *w = in_t(m, op, 1);
    if (!has_weights(op)) return 1;
    return w && w->data && w->type == TFL_TYPE_INT8 && !w->is_sparse && !w->quant_details_type && w->nquant >= 1;
}

static int symmetric_weights(const tfl_model_t *m, const tfl_op_t *op) {
    const tfl_tensor_t *w = in_t(m, op, 1);
    if (!has_weights(op)) return 1;
    for (int i = 0; i < w->nquant; i++)
        if (w->zero_point[i] != 0) return 0;
    return 1;
}

static int int32_bias(const tfl_model_t *m, const tfl_op_t *op) {
    const tfl_tensor_t *b = op->ninputs > 2 && has_weights(op) ? in_t(m, op, 2) : NULL;
    return !b || (b->data && b->type == TFL_TYPE_INT32);
}

static int conv_batch_one(const tfl_model_t *m, const tfl_op_t *op) {
    const tfl_tensor_t *in = in_t(m, op, 0);
    return !(is_conv(op) || is_dw(op) || is_pool(op)) || (in->rank == 4 && in->dims[0] == 1);
}

static int dw_multiplier(const tfl_model_t *m, const tfl_op_t *op) {
    const tfl_tensor_t *in = in_t(m, op, 0), *w = in_t(m, op, 1);
    return !is_dw(op) || (w->rank == 4 && in->rank == 4 && w->dims[0] == 1 && in->dims[3] >= 1 && w->dims[3] % in->dims[3] == 0);
}

static int conv_ungrouped(const tfl_model_t *m, const tfl_op_t *op) {
    const tfl_tensor_t *in = in_t(m, op, 0), *w = in_t(m, op, 1);
    return !is_conv(op) || (w->rank == 4 && w->dims[3] == in->dims[3]);
}

static int conv_stride(const tfl_model_t *m, const tfl_op_t *op) {
    (void)m;
    int64_t sw = tfl_opt_int(op, is_dw(op) ? TFL_DWCONV_STRIDE_W : TFL_CONV2D_STRIDE_W, 1);
    int64_t sh = tfl_opt_int(op, is_dw(op) ? TFL_DWCONV_STRIDE_H : TFL_CONV2D_STRIDE_H, 1);
    return !(is_conv(op) || is_dw(op)) || (sw >= 1 && sw <= 15 && sh >= 1 && sh <= 15);
}

static int pool_same_quant(const tfl_model_t *m, const tfl_op_t *op) {
    const tfl_tensor_t *in = in_t(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!is_pool(op)) return 1;
    float d = in->scale[0] - out->scale[0];
    return in->zero_point[0] == out->zero_point[0] && d < 1e-6f * out->scale[0] && -d < 1e-6f * out->scale[0];
}

static int pool_window(const tfl_model_t *m, const tfl_op_t *op) {
    int64_t fh = tfl_opt_int(op, TFL_POOL_FILTER_H, 1), fw = tfl_opt_int(op, TFL_POOL_FILTER_W, 1);
    int64_t sh = tfl_opt_int(op, TFL_POOL_STRIDE_H, 1), sw = tfl_opt_int(op, TFL_POOL_STRIDE_W, 1);
    if (!is_pool(op)) return 1;
    const tfl_tensor_t *out = mica_op_output(m, op, 0);
    if (out->rank == 4 && out->dims[1] == 1) sh = 1;   /* one output row or column: stride unused */
    if (out->rank == 4 && out->dims[2] == 1) sw = 1;
    return (fh >= 1 && fh <= 256 && fw >= 1 && fw <= 256 && sh >= 1 && sh <= 15 && sw >= 1 && sw <= 15);
}

static int add_same_shape(const tfl_model_t *m, const tfl_op_t *op) {
    if (!is_add(op)) return 1;
    const tfl_tensor_t *a = in_t(m, op, 0), *b = in_t(m, op, 1), *out = mica_op_output(m, op, 0);
    if (a->rank != out->rank || b->rank != out->rank) return 0;
    for (int d = 0; d < out->rank; d++)
        if (a->dims[d] != out->dims[d] || b->dims[d] != out->dims[d]) return 0;
    return 1;
}

static int add_arithmetic(const tfl_model_t *m, const tfl_op_t *op) {
    if (!is_add(op)) return 1;
    mica_binary_params_t p;
    char err[160];
    return mica_add_quant(op, in_t(m, op, 0), in_t(m, op, 1), mica_op_output(m, op, 0), &p, err, sizeof err) == 0 &&
           p.in_shift[0] >= -31 && p.in_shift[1] >= -31;
}

static int fused_activation(const tfl_model_t *m, const tfl_op_t *op) {
    (void)m;
    int field = is_conv(op) ? TFL_CONV2D_ACTIVATION : is_dw(op) ? TFL_DWCONV_ACTIVATION :
                is_pool(op) ? TFL_POOL_ACTIVATION : is_add(op) ? 0 : TFL_FC_ACTIVATION;
    return tfl_opt_int(op, field, 0) <= TFL_ACT_RELU6;
}

/* In order: later rules may assume earlier ones hold. */
static const struct { rule_fn ok; const char *applies, *text; } rules[] = {
    {op_kind, "any", "the accelerator runs CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D and ADD"},
    {int8_activations, "all of these", "inputs and output must be int8 activation tensors with one scale and zero point"},
    {dense_int8_weights, "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED", "weights must be constant, dense int8"},
    {symmetric_weights, "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED", "weights must be symmetric (zero point 0)"},
    {int32_bias, "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED", "bias must be absent or a constant int32 vector"},
    {conv_batch_one, "CONV_2D, DEPTHWISE_CONV_2D, pools", "convolution and pooling input must be NHWC with batch 1"},
    {conv_ungrouped, "CONV_2D", "grouped convolution (filter depth != input depth) is not supported"},
    {dw_multiplier, "DEPTHWISE_CONV_2D", "filter must be [1, kh, kw, channels x depth multiplier] (multiplier 1 runs on the vector unit, more on the array)"},
    {conv_stride, "CONV_2D, DEPTHWISE_CONV_2D", "stride must be 1..15"},
    {pool_same_quant, "AVERAGE_POOL_2D, MAX_POOL_2D", "pooling input and output must share scale and zero point (as TFLite requires)"},
    {pool_window, "AVERAGE_POOL_2D, MAX_POOL_2D", "pool filter must be 1..256 and stride 1..15 (any stride when the output is one pixel wide or high)"},
    {add_same_shape, "ADD", "both inputs must be activations of the output's shape (no broadcasting, no constant operand)"},
    {add_arithmetic, "ADD", "input/output scales must suit TFLite's int8 ADD arithmetic (multipliers below 1, shifts up to 31)"},
    {fused_activation, "all of these", "fused activation must be NONE, RELU, RELU_N1_TO_1 or RELU6"},
};

static int forced(const tfl_op_t *op, const mica_partition_opts_t *o) {
    if (!o || !o->cpu_ops) return 0;
    const char *name = tfl_builtin_name(op->builtin), *p = o->cpu_ops;
    size_t n = strlen(name);
    while ((p = strstr(p, name)) != NULL) {
        int starts = p == o->cpu_ops || p[-1] == ',';
        if (starts && (p[n] == 0 || p[n] == ',')) return 1;
        p += n;
    }
    return 0;
}

const char *mica_accel_reason(const tfl_model_t *m, const tfl_op_t *op, const mica_partition_opts_t *o) {
    if (forced(op, o)) return "forced onto the CPU by --cpu";
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (!rules[i].ok(m, op)) return rules[i].text;
    return NULL;
}

void mica_print_supported_ops(void *file) {
    FILE *f = file;
    fprintf(f, "| where | operators | rule (the text `mica compile` reports for an operator that breaks it) |\n|---|---|---|\n");
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        fprintf(f, "| ACCEL | %s | %s |\n", rules[i].applies, rules[i].text);
    fprintf(f, "| CPU | %s | bit-exact fallback kernels (driver/core/kernels), any operator the accelerator rules reject |\n",
            mica_cpu_op_names());
}
