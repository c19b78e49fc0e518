/* Model validation: the graph rules and the operand table, in the order they are checked.
 * TFLite's Prepare derives each output shape and resizes the tensor; Mica plans memory and
 * kernels from the declared shapes, so any disagreement is refused here instead. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mica_escape.h"
#include "validate_internal.h"

enum { ROLE_INPUT = 1, ROLE_CONST = 2 };

/* Operand counts and option tables of each operator Mica runs (TFLite's NumInputs checks). */
typedef struct {
    int builtin;
    int min_in, max_in;     /* max_in -1: any number */
    int optional_from;      /* inputs from this index on may be absent (-1) */
    int options;            /* required options table (TFL_OPTS_*), 0 = optional */
    const char *zero_means; /* what TFLite reads without that table */
    mica_vrule_fn shape;
} op_rule_t;

static const op_rule_t op_rules[] = {
    {TFL_OP_CONV_2D, 2, 3, 2, TFL_OPTS_CONV2D, "stride 0", mica_vrule_conv},
    {TFL_OP_DEPTHWISE_CONV_2D, 2, 3, 2, TFL_OPTS_DEPTHWISE_CONV2D, "stride 0",
     mica_vrule_depthwise},
    {TFL_OP_FULLY_CONNECTED, 2, 3, 2, 0, NULL, mica_vrule_fully_connected},
    {TFL_OP_AVERAGE_POOL_2D, 1, 1, 1, TFL_OPTS_POOL2D, "filter 0x0, stride 0", mica_vrule_pool},
    {TFL_OP_MAX_POOL_2D, 1, 1, 1, TFL_OPTS_POOL2D, "filter 0x0, stride 0", mica_vrule_pool},
    {TFL_OP_ADD, 2, 2, 2, 0, NULL, mica_vrule_broadcast},
    {TFL_OP_SUB, 2, 2, 2, 0, NULL, mica_vrule_broadcast},
    {TFL_OP_MUL, 2, 2, 2, 0, NULL, mica_vrule_broadcast},
    {TFL_OP_MAXIMUM, 2, 2, 2, 0, NULL, mica_vrule_broadcast},
    {TFL_OP_MINIMUM, 2, 2, 2, 0, NULL, mica_vrule_broadcast},
    {TFL_OP_QUANTIZE, 1, 1, 1, 0, NULL, mica_vrule_same_shape},
    {TFL_OP_LOGISTIC, 1, 1, 1, 0, NULL, mica_vrule_same_shape},
    {TFL_OP_TANH, 1, 1, 1, 0, NULL, mica_vrule_same_shape},
    {TFL_OP_HARD_SWISH, 1, 1, 1, 0, NULL, mica_vrule_same_shape},
    {TFL_OP_LEAKY_RELU, 1, 1, 1, 0, NULL, mica_vrule_same_shape},
    {TFL_OP_RELU, 1, 1, 1, 0, NULL, mica_vrule_same_shape},
    {TFL_OP_RELU6, 1, 1, 1, 0, NULL, mica_vrule_same_shape},
    {TFL_OP_RELU_N1_TO_1, 1, 1, 1, 0, NULL, mica_vrule_same_shape},
    {TFL_OP_SOFTMAX, 1, 1, 1, TFL_OPTS_SOFTMAX, "beta 0", mica_vrule_same_shape},
    {TFL_OP_PAD, 2, 3, 2, 0, NULL, mica_vrule_pad},
    {TFL_OP_PADV2, 2, 3, 2, 0, NULL, mica_vrule_pad},
    {TFL_OP_CONCATENATION, 1, -1, -1, 0, NULL, mica_vrule_concat},
    {TFL_OP_MEAN, 2, 2, 2, 0, NULL, mica_vrule_mean},
    {TFL_OP_RESIZE_NEAREST_NEIGHBOR, 2, 2, 2, 0, NULL, mica_vrule_resize},
    {TFL_OP_STRIDED_SLICE, 4, 4, 4, 0, NULL, mica_vrule_strided_slice},
    {TFL_OP_SLICE, 3, 3, 3, 0, NULL, mica_vrule_slice},
    {TFL_OP_TRANSPOSE, 2, 2, 2, 0, NULL, mica_vrule_transpose},
    {TFL_OP_RESHAPE, 1, 2, 1, 0, NULL, mica_vrule_reshape},
    {TFL_OP_SQUEEZE, 1, 1, 1, 0, NULL, mica_vrule_same_count},
    {TFL_OP_DEPTH_TO_SPACE, 1, 1, 1, TFL_OPTS_DEPTH_TO_SPACE, "block_size 0",
     mica_vrule_space_depth},
    {TFL_OP_SPACE_TO_DEPTH, 1, 1, 1, TFL_OPTS_SPACE_TO_DEPTH, "block_size 0",
     mica_vrule_space_depth},
    {TFL_OP_DEQUANTIZE, 1, 1, 1, 0, NULL, mica_vrule_same_shape},
    {TFL_OP_PACK, 1, -1, -1, TFL_OPTS_PACK, "values_count 0", mica_vrule_pack},
    {TFL_OP_SPLIT, 2, 2, 2, 0, NULL, mica_vrule_split},
    {TFL_OP_SPLIT_V, 3, 3, 3, 0, NULL, mica_vrule_split},
    {TFL_OP_UNPACK, 1, 1, 1, 0, NULL, mica_vrule_split},
};

/* ---- message helpers ---- */

static const char *op_type(const tfl_op_t *op, char buf[MICA_VNAME]) {
    return op->custom_code ? mica_escape_name(op->custom_code, buf, MICA_VNAME)
                           : tfl_builtin_name(op->builtin);
}

static int fail_op(const tfl_model_t *m, int idx, char *err, size_t errlen, const char *fmt,
                   va_list ap) {
    char type[MICA_VNAME];
    int n = snprintf(err, errlen, "op %d %s: ", idx, op_type(&m->ops[idx], type));
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    return -1;
}

static int fail_at(const tfl_model_t *m, int idx, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail_at(const tfl_model_t *m, int idx, char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_op(m, idx, err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int mica_v_fail(const mica_vctx_t *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fail_op(c->m, c->idx, c->err, c->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

const tfl_tensor_t *mica_v_in(const mica_vctx_t *c, int k) {
    if (k >= c->op->ninputs || c->op->inputs[k] < 0)
        return NULL;
    return &c->m->tensors[c->op->inputs[k]];
}

const tfl_tensor_t *mica_v_out(const mica_vctx_t *c) {
    return &c->m->tensors[c->op->outputs[0]];
}

char *mica_v_name(const tfl_tensor_t *t, char buf[MICA_VNAME]) {
    return mica_escape_name(t->name, buf, MICA_VNAME);
}

char *mica_v_dims(const int64_t *dims, int rank, char buf[MICA_VDIMS]) {
    size_t n = 0;
    int d = 0;
    buf[n++] = '[';
    for (; d < rank && n < MICA_VDIMS - 30; d++) /* room for one more value, ",...]" and the NUL */
        n += (size_t)snprintf(buf + n, MICA_VDIMS - n, "%s%lld", d ? "," : "", (long long)dims[d]);
    snprintf(buf + n, MICA_VDIMS - n, "%s]", d < rank ? ",..." : "");
    return buf;
}

void mica_v_dims_of(const tfl_tensor_t *t, int64_t *dims) {
    for (int d = 0; d < t->rank; d++)
        dims[d] = t->dims[d];
}

char *mica_v_shape(const tfl_tensor_t *t, char buf[MICA_VDIMS]) {
    int64_t d[TFL_MAX_RANK];
    mica_v_dims_of(t, d);
    return mica_v_dims(d, t->rank, buf);
}

int mica_v_expect(const mica_vctx_t *c, const int64_t *dims, int rank, const char *how) {
    const tfl_tensor_t *out = mica_v_out(c);
    int same = out->rank == rank;
    for (int d = 0; same && d < rank; d++)
        same = out->dims[d] == dims[d];
    if (same)
        return 0;
    char name[MICA_VNAME], declared[MICA_VDIMS], derived[MICA_VDIMS];
    return mica_v_fail(c, "output '%s' is declared %s but %s gives %s", mica_v_name(out, name),
                       mica_v_shape(out, declared), how, mica_v_dims(dims, rank, derived));
}

int mica_v_rank(const mica_vctx_t *c, int k, const char *what, int min, int max) {
    const tfl_tensor_t *t = mica_v_in(c, k);
    if (t->rank >= min && t->rank <= max)
        return 0;
    char name[MICA_VNAME], shape[MICA_VDIMS];
    if (min == max)
        return mica_v_fail(c, "%s '%s' is %s; rank %d expected", what, mica_v_name(t, name),
                           mica_v_shape(t, shape), min);
    return mica_v_fail(c, "%s '%s' is %s; rank %d..%d expected", what, mica_v_name(t, name),
                       mica_v_shape(t, shape), min, max);
}

int mica_v_const_ints(const mica_vctx_t *c, int k, const char *what, int allow64, int32_t *v,
                      int max) {
    const tfl_tensor_t *t = mica_v_in(c, k);
    char name[MICA_VNAME];
    int64_t n = tfl_tensor_elements(t);
    int size = t->type == TFL_TYPE_INT32 ? 4 : t->type == TFL_TYPE_INT64 && allow64 ? 8 : 0;
    if (!t->data || !size)
        return mica_v_fail(c, "%s '%s' must be a constant %s tensor (is %s%s)", what,
                           mica_v_name(t, name), allow64 ? "int32 or int64" : "int32",
                           t->data ? "" : "non-constant ", tfl_type_name(t->type));
    if (n < 0 || n > max)
        return mica_v_fail(c, "%s '%s' has %lld values; at most %d expected", what,
                           mica_v_name(t, name), (long long)n, max);
    if (t->data_size < (size_t)n * (size_t)size)
        return mica_v_fail(c, "%s '%s' data is truncated", what, mica_v_name(t, name));
    for (int64_t i = 0; i < n; i++) {
        int64_t x;
        if (size == 4) {
            int32_t x32;
            memcpy(&x32, t->data + 4 * i, 4);
            x = x32;
        } else
            memcpy(&x, t->data + 8 * i, 8);
        if (x < INT32_MIN || x > INT32_MAX)
            return mica_v_fail(c, "%s '%s' value %lld is out of the int32 range", what,
                               mica_v_name(t, name), (long long)x);
        v[i] = (int32_t)x;
    }
    return (int)n;
}

int mica_v_padding(const mica_vctx_t *c, int field, int64_t *padding) {
    *padding = tfl_opt_int(c->op, field, TFL_PADDING_SAME);
    if (*padding == TFL_PADDING_SAME || *padding == TFL_PADDING_VALID)
        return 0;
    return mica_v_fail(c, "padding %lld is not SAME (0) or VALID (1)", (long long)*padding);
}

int mica_v_activation(const mica_vctx_t *c, int field) {
    int64_t act = tfl_opt_int(c->op, field, TFL_ACT_NONE);
    if (act >= TFL_ACT_NONE && act <= TFL_ACT_SIGN_BIT)
        return 0;
    return mica_v_fail(c, "fused activation %lld is not an ActivationFunctionType (0..5)",
                       (long long)act);
}

int mica_v_window_param(const mica_vctx_t *c, int field, const char *what, int64_t *value) {
    *value = tfl_opt_int(c->op, field, 0);
    if (*value >= 1 && *value <= MICA_MAX_WINDOW)
        return 0;
    return mica_v_fail(c, "%s is %lld; it must be 1..%d", what, (long long)*value, MICA_MAX_WINDOW);
}

/* ---- graph rules ---- */

/* Element counts fit an int; graph inputs and outputs are activations (Mica binds them to the
 * arena, so a constant cannot be one). */
static int rule_tensors(const tfl_model_t *m, char *err, size_t errlen) {
    char name[MICA_VNAME], shape[MICA_VDIMS];
    for (int t = 0; t < m->ntensors; t++) {
        int64_t n = tfl_tensor_elements(&m->tensors[t]);
        if (n >= 0 && n <= INT32_MAX)
            continue;
        snprintf(err, errlen, "tensor '%s' is %s: more than 2^31-1 elements",
                 mica_escape_name(m->tensors[t].name, name, sizeof name),
                 mica_v_shape(&m->tensors[t], shape));
        return -1;
    }
    for (int io = 0; io < 2; io++)
        for (int i = 0; i < (io ? m->noutputs : m->ninputs); i++) {
            const tfl_tensor_t *t = &m->tensors[io ? m->outputs[i] : m->inputs[i]];
            if (!t->data)
                continue;
            snprintf(
                err, errlen,
                "graph %s %d '%s' is a constant; Mica's graph inputs and outputs are activations",
                io ? "output" : "input", i, mica_escape_name(t->name, name, sizeof name));
            return -1;
        }
    return 0;
}

/* Each tensor has at most one producer, which is not a graph input or a constant and does not
 * also read it. */
static int rule_single_writer(const tfl_model_t *m, const uint8_t *role, int *writer, char *err,
                              size_t errlen) {
    char name[MICA_VNAME], other[MICA_VNAME];
    for (int t = 0; t < m->ntensors; t++)
        writer[t] = -1;
    for (int i = 0; i < m->nops; i++) {
        const tfl_op_t *op = &m->ops[i];
        for (int k = 0; k < op->noutputs; k++) {
            int t = op->outputs[k];
            const char *tn = mica_escape_name(m->tensors[t].name, name, sizeof name);
            if (role[t] & ROLE_INPUT)
                return fail_at(m, i, err, errlen,
                               "output '%s' is a graph input (only the caller writes those)", tn);
            if (role[t] & ROLE_CONST)
                return fail_at(m, i, err, errlen, "output '%s' is a constant", tn);
            for (int j = 0; j < op->ninputs; j++)
                if (op->inputs[j] == t)
                    return fail_at(
                        m, i, err, errlen,
                        "output '%s' is also its input %d (an operator cannot write its own input)",
                        tn, j);
            if (writer[t] >= 0)
                return fail_at(
                    m, i, err, errlen,
                    "output '%s' is already written by op %d %s (a tensor has one producer)", tn,
                    writer[t], op_type(&m->ops[writer[t]], other));
            writer[t] = i;
        }
    }
    return 0;
}

/* Every operand and graph output exists when read: a graph input, a constant, or written by an
 * earlier operator. */
static int rule_written_before_read(const tfl_model_t *m, const uint8_t *role, const int *writer,
                                    char *err, size_t errlen) {
    char name[MICA_VNAME], other[MICA_VNAME];
    for (int i = 0; i < m->nops; i++) {
        const tfl_op_t *op = &m->ops[i];
        for (int k = 0; k < op->ninputs; k++) {
            int t = op->inputs[k];
            if (t < 0 || role[t])
                continue;
            const char *tn = mica_escape_name(m->tensors[t].name, name, sizeof name);
            if (writer[t] < 0 && m->tensors[t].is_variable)
                continue; /* state that its operator updates (zero before the first invoke) */
            if (writer[t] < 0)
                return fail_at(
                    m, i, err, errlen,
                    "input '%s' is not a graph input or a constant and no operator writes it", tn);
            if (writer[t] > i)
                return fail_at(
                    m, i, err, errlen,
                    "input '%s' is read before op %d %s writes it (operators out of order)", tn,
                    writer[t], op_type(&m->ops[writer[t]], other));
        }
    }
    for (int k = 0; k < m->noutputs; k++) {
        int t = m->outputs[k];
        if (writer[t] < 0 && !role[t]) {
            snprintf(err, errlen,
                     "graph output %d '%s' is not written by any operator and is not a graph input "
                     "or a constant",
                     k, mica_escape_name(m->tensors[t].name, name, sizeof name));
            return -1;
        }
    }
    return 0;
}

/* ---- per-operator rules ---- */

static const op_rule_t *rule_for(int builtin) {
    for (size_t i = 0; i < sizeof op_rules / sizeof op_rules[0]; i++)
        if (op_rules[i].builtin == builtin)
            return &op_rules[i];
    return NULL;
}

static int rule_operands(const mica_vctx_t *c, const op_rule_t *r) {
    const tfl_op_t *op = c->op;
    const char *type = tfl_builtin_name(op->builtin);
    const char *plural = op->ninputs == 1 ? "" : "s";
    if (op->ninputs < r->min_in || (r->max_in >= 0 && op->ninputs > r->max_in)) {
        if (r->max_in < 0)
            return mica_v_fail(c, "has %d input%s; %s takes at least %d", op->ninputs, plural, type,
                               r->min_in);
        if (r->min_in == r->max_in)
            return mica_v_fail(c, "has %d input%s; %s takes %d", op->ninputs, plural, type,
                               r->min_in);
        return mica_v_fail(c, "has %d input%s; %s takes %d or %d", op->ninputs, plural, type,
                           r->min_in, r->max_in);
    }
    int splits = op->builtin == TFL_OP_SPLIT || op->builtin == TFL_OP_SPLIT_V ||
                 op->builtin == TFL_OP_UNPACK; /* one output per part */
    if (splits ? op->noutputs < 1 : op->noutputs != 1)
        return mica_v_fail(c, "has %d outputs; %s writes %s", op->noutputs, type,
                           splits ? "at least 1" : "exactly 1");
    for (int k = 0; k < op->ninputs; k++)
        if (op->inputs[k] < 0 && (r->optional_from < 0 || k < r->optional_from))
            return mica_v_fail(c, "input %d is absent (-1), which %s does not allow", k, type);
    if (r->options && !op->has_options)
        return mica_v_fail(c, "its %s table is missing (TFLite would read every option as 0: %s)",
                           tfl_options_name(r->options), r->zero_means);
    return 0;
}

static int rule_operator(const tfl_model_t *m, int idx, char *err, size_t errlen) {
    const op_rule_t *r = rule_for(m->ops[idx].builtin);
    if (!r || m->ops[idx].custom_code)
        return 0; /* not run by Mica: the lowering says so */
    mica_vctx_t c = {m, &m->ops[idx], idx, err, errlen};
    return rule_operands(&c, r) || r->shape(&c) ? -1 : 0;
}

int mica_validate_model(const tfl_model_t *m, char *err, size_t errlen) {
    size_t n = (size_t)(m->ntensors > 0 ? m->ntensors : 1);
    uint8_t *role = calloc(n, 1);
    int *writer = malloc(n * sizeof *writer), rc = -1;
    if (!role || !writer) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (int i = 0; i < m->ninputs; i++)
        role[m->inputs[i]] |= ROLE_INPUT;
    for (int t = 0; t < m->ntensors; t++)
        if (m->tensors[t].data)
            role[t] |= ROLE_CONST;
    if (rule_tensors(m, err, errlen) || rule_single_writer(m, role, writer, err, errlen) ||
        rule_written_before_read(m, role, writer, err, errlen))
        goto done;
    for (int i = 0; i < m->nops; i++)
        if (rule_operator(m, i, err, errlen))
            goto done;
    rc = 0;
done:
    free(role);
    free(writer);
    return rc;
}
