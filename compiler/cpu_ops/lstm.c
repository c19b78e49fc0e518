/* UNIDIRECTIONAL_SEQUENCE_LSTM on the CPU, two integer flavours of one kernel (lstm.c in
 * driver/core/kernels):
 *  - int8 activations: TFLite's fully integer 8x8_16 path (lstm.cc PopulateQuantizedLstmParams8x8_16
 *    and PopulatePrecomputedZPTimesWeightsWithBias), bit-exact with LiteRT: int8 input, output and
 *    hidden state, int32 biases, and the hidden scale the converter stores in the op's fifth
 *    intermediate tensor;
 *  - int16 activations (16x8): TFLite Micro's path (lstm_eval_common.cc
 *    PrepareGateParametersInteger), which LiteRT does not have: int16 input, output and hidden
 *    state with zero point 0, int64 biases; every gate is two 16x8 FULLY_CONNECTED layers.
 * Both: int8 weights and an int16 cell state whose scale is a power of two; the gate
 * pre-activations are Q3.12 (no layer norm). CIFG, peephole, projection and layer norm are refused
 * (a Keras LSTM uses none of them). The states are variable tensors (lower.c). */
#include <math.h>
#include <string.h>
#include "cpu_util.h"
#include "int16.h"
#include "quant.h"

/* TFLite's input tensor numbering (lstm_shared.h). */
enum {
    LSTM_INPUT = 0,
    LSTM_W_X = 1,      /* input_to_{input,forget,cell,output}_weights: 1..4 */
    LSTM_W_H = 5,      /* recurrent_to_*_weights: 5..8 */
    LSTM_PEEPHOLE = 9, /* cell_to_*_weights: 9..11 */
    LSTM_BIAS = 12,    /* {input,forget,cell,output}_gate_bias: 12..15 */
    LSTM_PROJ_W = 16,
    LSTM_PROJ_B = 17,
    LSTM_H_STATE = 18,
    LSTM_C_STATE = 19,
    LSTM_LAYER_NORM = 20 /* 20..23 */
};
enum { OPT_ACTIVATION, OPT_CELL_CLIP, OPT_PROJ_CLIP, OPT_TIME_MAJOR };
static const char *const gate_names[4] = {"input", "forget", "cell", "output"};

static int const_int8(const tfl_tensor_t *t, int32_t rows, int32_t cols) {
    return t && t->data && mica_is_int8_q(t) && t->zero_point[0] == 0 && t->rank == 2 &&
           t->dims[0] == rows && t->dims[1] == cols && !t->is_sparse &&
           t->data_size >= (size_t)rows * (size_t)cols;
}

/* int32 biases for int8 activations (width 1), int64 for int16 (width 2). */
static int const_bias(const tfl_tensor_t *t, int32_t n, int32_t width) {
    return t && t->data && t->type == (width == 2 ? TFL_TYPE_INT64 : TFL_TYPE_INT32) &&
           t->rank == 1 && t->dims[0] == n && !t->is_sparse &&
           t->data_size >= 4 * (size_t)width * (size_t)n;
}

static int is_int16_activation(const tfl_tensor_t *t) {
    return t && mica_is_int16_q(t) && t->zero_point[0] == 0;
}

/* The optional inputs this kernel does not implement are absent. */
static int plain_lstm(const tfl_model_t *m, const tfl_op_t *op, char *err, size_t errlen) {
    if (op->ninputs != 20 && op->ninputs != 24)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: %d inputs; TFLite's LSTM has 20 or 24", op->ninputs);
    if (!mica_op_tensor(m, op, LSTM_W_X) || !mica_op_tensor(m, op, LSTM_W_H))
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: CIFG (no input gate) is not supported");
    for (int k = LSTM_PEEPHOLE; k < LSTM_PEEPHOLE + 3; k++)
        if (mica_op_tensor(m, op, k))
            REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: peephole weights (input %d) are not supported",
                   k);
    if (mica_op_tensor(m, op, LSTM_PROJ_W) || mica_op_tensor(m, op, LSTM_PROJ_B))
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: projection is not supported");
    for (int k = LSTM_LAYER_NORM; k < op->ninputs; k++)
        if (mica_op_tensor(m, op, k))
            REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: layer norm (input %d) is not supported", k);
    const tfl_tensor_t *x = mica_op_tensor(m, op, LSTM_INPUT);
    if (op->nintermediates != 5 && !(x && x->type == TFL_TYPE_INT16)) /* int8: the hidden scale */
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: %d intermediate tensors; the integer 8x8_16 LSTM "
               "needs 5 (the float and hybrid LSTM are not supported)",
               op->nintermediates);
    int64_t act = tfl_opt_int(op, OPT_ACTIVATION, 0);
    if (act != TFL_ACT_TANH)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: cell activation %lld; only TANH is supported",
               (long long)act);
    return 0;
}

/* Shapes and quantization of the activations and states; fills the sizes in p. */
static int check_tensors(const tfl_model_t *m, const tfl_op_t *op, mica_lstm_params_t *p, char *err,
                         size_t errlen) {
    const tfl_tensor_t *x = mica_op_tensor(m, op, LSTM_INPUT), *y = mica_op_output(m, op, 0);
    const tfl_tensor_t *h = mica_op_tensor(m, op, LSTM_H_STATE);
    const tfl_tensor_t *c = mica_op_tensor(m, op, LSTM_C_STATE);
    const tfl_tensor_t *w = mica_op_tensor(m, op, LSTM_W_X + MICA_LSTM_GATE_OUTPUT);
    if (!x || !y || !h || !c || !w || op->noutputs != 1)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: needs input, weights, states and one output");
    p->width = x->type == TFL_TYPE_INT16 ? 2 : 1;
    int act_ok = p->width == 2 ? is_int16_activation(x) && is_int16_activation(y)
                               : mica_is_int8_q(x) && mica_is_int8_q(y);
    if (!act_ok)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: input and output must be %s",
               p->width == 2 ? "int16 with zero point 0 (16x8)" : "int8 with one scale");
    if (x->rank != 3 || w->rank != 2)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: input must be of rank 3 (rank %d)", x->rank);
    p->time_major = tfl_opt_int(op, OPT_TIME_MAJOR, 0) != 0;
    p->batch = x->dims[p->time_major ? 1 : 0];
    p->time = x->dims[p->time_major ? 0 : 1];
    p->n_input = x->dims[2];
    p->n_cell = w->dims[0];
    if (p->batch < 1 || p->time < 1 || p->n_input < 1 || p->n_cell < 1)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: empty input or weights");
    if (y->rank != 3 || y->dims[0] != x->dims[0] || y->dims[1] != x->dims[1] ||
        y->dims[2] != p->n_cell)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: output must be the input's shape with %d units",
               p->n_cell);
    if (!h->is_variable || h->data ||
        !(p->width == 2 ? is_int16_activation(h) : mica_is_int8_q(h)) || h->rank != 2 ||
        h->dims[0] != p->batch || h->dims[1] != p->n_cell)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: output state must be a variable %s [%d, %d] "
               "tensor",
               p->width == 2 ? "int16 (zero point 0)" : "int8", p->batch, p->n_cell);
    if (!c->is_variable || c->data || !mica_is_int16_q(c) || c->zero_point[0] != 0 ||
        c->rank != 2 || c->dims[0] != p->batch || c->dims[1] != p->n_cell)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: cell state must be a variable int16 [%d, %d] tensor "
               "with zero point 0",
               p->batch, p->n_cell);
    return 0;
}

/* Constant weights and biases of every gate, as the integer kernel reads them. */
static int check_constants(const tfl_model_t *m, const tfl_op_t *op, const mica_lstm_params_t *p,
                           char *err, size_t errlen) {
    for (int g = 0; g < 4; g++) {
        if (!const_int8(mica_op_tensor(m, op, LSTM_W_X + g), p->n_cell, p->n_input))
            REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: input-to-%s weights must be constant symmetric "
                   "int8 [%d, %d] with one scale",
                   gate_names[g], p->n_cell, p->n_input);
        if (!const_int8(mica_op_tensor(m, op, LSTM_W_H + g), p->n_cell, p->n_cell))
            REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: recurrent-to-%s weights must be constant "
                   "symmetric int8 [%d, %d] with one scale",
                   gate_names[g], p->n_cell, p->n_cell);
        if (!const_bias(mica_op_tensor(m, op, LSTM_BIAS + g), p->n_cell, p->width))
            REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: %s gate bias must be a constant %s [%d] "
                   "tensor",
                   gate_names[g], p->width == 2 ? "int64" : "int32", p->n_cell);
    }
    return 0;
}

/* CheckedLog2 (TFLite): log2 of the cell scale, an integer within 1e-3. */
static int cell_scale_log2(const tfl_tensor_t *c, int32_t *log2_out, char *err, size_t errlen) {
    float l = logf(c->scale[0]) * (1.0f / logf(2.0f));
    float r = roundf(l);
    if (!(fabsf(l - r) < 1e-3f) || r < -15.0f || r > -9.0f)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: cell state scale %g must be a power of two from "
               "2^-15 to 2^-9",
               (double)c->scale[0]);
    *log2_out = (int32_t)r;
    return 0;
}

/* The effective multipliers, in float as TFLite computes them, then QuantizeMultiplier. */
static int scales(const tfl_model_t *m, const tfl_op_t *op, mica_lstm_params_t *p, char *err,
                  size_t errlen) {
    const tfl_tensor_t *x = mica_op_tensor(m, op, LSTM_INPUT);
    const tfl_tensor_t *h = mica_op_tensor(m, op, LSTM_H_STATE);
    const tfl_tensor_t *c = mica_op_tensor(m, op, LSTM_C_STATE);
    int32_t hid = op->intermediates[4];
    const tfl_tensor_t *hidden = hid >= 0 && hid < m->ntensors ? &m->tensors[hid] : NULL;
    if (!hidden || !mica_is_int8_q(hidden))
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: intermediate 4 (the hidden scale) must be int8 "
               "with one scale");
    if (cell_scale_log2(c, &p->cell_log2, err, errlen))
        return -1;
    const float gate_scale = 1.0f / 4096.0f; /* Q3.12 pre-activations */
    for (int g = 0; g < 4; g++) {
        const tfl_tensor_t *wx = mica_op_tensor(m, op, LSTM_W_X + g);
        const tfl_tensor_t *wh = mica_op_tensor(m, op, LSTM_W_H + g);
        float ex = wx->scale[0] * x->scale[0] / gate_scale;
        float eh = wh->scale[0] * h->scale[0] / gate_scale;
        int sx, sh;
        if (mica_checked_multiplier((double)ex, "LSTM", x, wx, 0, c, &p->mult_x[g], &sx, err,
                                    errlen) ||
            mica_checked_multiplier((double)eh, "LSTM", h, wh, 0, c, &p->mult_h[g], &sh, err,
                                    errlen))
            return -1;
        p->shift_x[g] = sx;
        p->shift_h[g] = sh;
    }
    const float q15 = 1.0f / 32768.0f;
    float eff_hidden = q15 / hidden->scale[0] * q15;
    int shift;
    if (mica_checked_multiplier((double)eff_hidden, "LSTM", NULL, NULL, 0, hidden, &p->hidden_mult,
                                &shift, err, errlen))
        return -1;
    p->hidden_shift = shift;
    p->hidden_zp = (int32_t)hidden->zero_point[0];
    float clip = tfl_opt_float(op, OPT_CELL_CLIP, 0.0f);
    p->cell_clip =
        clip > 0.0f ? (int32_t)(int16_t)fminf(fmaxf(clip / c->scale[0], -32768.0f), 32767.0f) : 0;
    return 0;
}

/* TFLite Micro's PrepareGateParametersInteger for int16 activations: each gate's two fully
 * connected layers output Q3.12 (GetQuantizedConvolutionMultipler: the float product of the
 * scales, divided in double), the element-wise products f * c, i * g and o * tanh(c) rescale in
 * double (CreateInterGateMulParams), the cell clip is quantized in double. */
static int scales16(const tfl_model_t *m, const tfl_op_t *op, mica_lstm_params_t *p, char *err,
                    size_t errlen) {
    const tfl_tensor_t *x = mica_op_tensor(m, op, LSTM_INPUT);
    const tfl_tensor_t *h = mica_op_tensor(m, op, LSTM_H_STATE);
    const tfl_tensor_t *c = mica_op_tensor(m, op, LSTM_C_STATE);
    if (cell_scale_log2(c, &p->cell_log2, err, errlen))
        return -1;
    for (int g = 0; g < 4; g++) {
        const tfl_tensor_t *wx = mica_op_tensor(m, op, LSTM_W_X + g);
        const tfl_tensor_t *wh = mica_op_tensor(m, op, LSTM_W_H + g);
        float px = x->scale[0] * wx->scale[0], ph = h->scale[0] * wh->scale[0];
        int sx, sh;
        if (mica_checked_multiplier((double)px * 4096.0, "LSTM", x, wx, 0, c, &p->mult_x[g], &sx,
                                    err, errlen) ||
            mica_checked_multiplier((double)ph * 4096.0, "LSTM", h, wh, 0, c, &p->mult_h[g], &sh,
                                    err, errlen))
            return -1;
        if (sx > 7 || sh > 7) /* the int64 MultiplyByQuantizedMultiplier's range */
            REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: the %s gate's scale ratio is beyond 2^7",
                   gate_names[g]);
        p->shift_x[g] = sx;
        p->shift_h[g] = sh;
    }
    const double q15 = 1.0 / 32768.0, sc = (double)c->scale[0];
    int fs, is, hs;
    if (mica_checked_multiplier(q15 * sc / sc, "LSTM", NULL, NULL, 0, c, &p->forget_mult, &fs, err,
                                errlen) ||
        mica_checked_multiplier(q15 * q15 / sc, "LSTM", NULL, NULL, 0, c, &p->input_mult, &is, err,
                                errlen) ||
        mica_checked_multiplier(q15 * q15 / (double)h->scale[0], "LSTM", NULL, NULL, 0, h,
                                &p->hidden_mult, &hs, err, errlen))
        return -1;
    p->forget_shift = fs;
    p->input_shift = is;
    p->hidden_shift = hs;
    p->hidden_zp = 0;
    double clip = (double)tfl_opt_float(op, OPT_CELL_CLIP, 0.0f);
    p->cell_clip = clip > 0.0 ? (int32_t)(int16_t)fmin(fmax(clip / sc, -32768.0), 32767.0) : 0;
    return 0;
}

/* bias - zp * row sum (int32, wrapping like TFLite's PrecomputeZeroPointTimesWeightWithBias). */
static int append_gate_bias(mica_buf_t *params, const tfl_tensor_t *bias, const tfl_tensor_t *w,
                            int32_t zp) {
    int32_t rows = w->dims[0], cols = w->dims[1];
    for (int32_t r = 0; r < rows; r++) {
        uint32_t v = 0, sum = 0;
        if (bias)
            memcpy(&v, bias->data + 4 * (size_t)r, 4); /* little-endian host and file */
        for (int32_t k = 0; k < cols; k++)
            sum += (uint32_t)(int32_t)(int8_t)w->data[(size_t)r * cols + k];
        v += sum * (uint32_t)(-zp);
        if (mica_buf_append(params, &v, 4))
            return -1;
    }
    return 0;
}

/* The 16x8 input bias as it is (int64, zero points are 0), or n zeros for the recurrent layer,
 * which has no bias. */
static int append_bias64(mica_buf_t *params, const tfl_tensor_t *bias, int32_t n) {
    int64_t zero = 0;
    if (bias)
        return mica_buf_append(params, bias->data, 8 * (size_t)n);
    for (int32_t r = 0; r < n; r++)
        if (mica_buf_append(params, &zero, 8))
            return -1;
    return 0;
}

int mica_prepare_lstm(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    mica_lstm_params_t p;
    memset(&p, 0, sizeof p);
    if (plain_lstm(m, op, err, errlen) || check_tensors(m, op, &p, err, errlen) ||
        check_constants(m, op, &p, err, errlen) ||
        (p.width == 2 ? scales16 : scales)(m, op, &p, err, errlen))
        return -1;
    int32_t in_zp = (int32_t)mica_op_tensor(m, op, LSTM_INPUT)->zero_point[0];
    int32_t h_zp = (int32_t)mica_op_tensor(m, op, LSTM_H_STATE)->zero_point[0];
    int rc = mica_buf_append(params, &p, sizeof p);
    for (int g = 0; g < 4 && !rc; g++) {
        const tfl_tensor_t *wx = mica_op_tensor(m, op, LSTM_W_X + g);
        const tfl_tensor_t *wh = mica_op_tensor(m, op, LSTM_W_H + g);
        const tfl_tensor_t *bias = mica_op_tensor(m, op, LSTM_BIAS + g);
        rc = (p.width == 2 ? append_bias64(params, bias, p.n_cell)
                           : append_gate_bias(params, bias, wx, in_zp)) ||
             (p.width == 2 ? append_bias64(params, NULL, p.n_cell)
                           : append_gate_bias(params, NULL, wh, h_zp)) ||
             mica_buf_append(params, wx->data, (size_t)p.n_cell * p.n_input) ||
             mica_buf_append(params, wh->data, (size_t)p.n_cell * p.n_cell);
    }
    if (rc)
        REJECT("out of memory");
    return 0;
}
