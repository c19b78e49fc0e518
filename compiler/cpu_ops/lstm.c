/* UNIDIRECTIONAL_SEQUENCE_LSTM on the CPU, TFLite's fully integer 8x8_16 path (lstm.cc
 * PopulateQuantizedLstmParams8x8_16 and PopulatePrecomputedZPTimesWeightsWithBias): int8 input,
 * output and hidden state, int8 weights, int32 biases, an int16 cell state whose scale is a power
 * of two, and the hidden scale the converter stores in the op's fifth intermediate tensor. The
 * gate pre-activations are Q3.12 (no layer norm). CIFG, peephole, projection and layer norm are
 * refused (a Keras LSTM uses none of them). The states are variable tensors (lower.c). */
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

static int const_bias(const tfl_tensor_t *t, int32_t n) {
    return t && t->data && t->type == TFL_TYPE_INT32 && t->rank == 1 && t->dims[0] == n &&
           !t->is_sparse && t->data_size >= 4 * (size_t)n;
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
    if (op->nintermediates != 5)
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
    if (!mica_is_int8_q(x) || !mica_is_int8_q(y) || x->rank != 3 || w->rank != 2)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: input and output must be int8 with one scale, "
               "input of rank 3 (rank %d)",
               x->rank);
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
    if (!h->is_variable || h->data || !mica_is_int8_q(h) || h->rank != 2 ||
        h->dims[0] != p->batch || h->dims[1] != p->n_cell)
        REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: output state must be a variable int8 [%d, %d] "
               "tensor",
               p->batch, p->n_cell);
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
        if (!const_bias(mica_op_tensor(m, op, LSTM_BIAS + g), p->n_cell))
            REJECT("UNIDIRECTIONAL_SEQUENCE_LSTM: %s gate bias must be a constant int32 [%d] "
                   "tensor",
                   gate_names[g], p->n_cell);
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

int mica_prepare_lstm(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    mica_lstm_params_t p;
    memset(&p, 0, sizeof p);
    if (plain_lstm(m, op, err, errlen) || check_tensors(m, op, &p, err, errlen) ||
        check_constants(m, op, &p, err, errlen) || scales(m, op, &p, err, errlen))
        return -1;
    int32_t in_zp = (int32_t)mica_op_tensor(m, op, LSTM_INPUT)->zero_point[0];
    int32_t h_zp = (int32_t)mica_op_tensor(m, op, LSTM_H_STATE)->zero_point[0];
    int rc = mica_buf_append(params, &p, sizeof p);
    for (int g = 0; g < 4 && !rc; g++) {
        const tfl_tensor_t *wx = mica_op_tensor(m, op, LSTM_W_X + g);
        const tfl_tensor_t *wh = mica_op_tensor(m, op, LSTM_W_H + g);
        const tfl_tensor_t *bias = mica_op_tensor(m, op, LSTM_BIAS + g);
        rc = append_gate_bias(params, bias, wx, in_zp) ||
             append_gate_bias(params, NULL, wh, h_zp) ||
             mica_buf_append(params, wx->data, (size_t)p.n_cell * p.n_input) ||
             mica_buf_append(params, wh->data, (size_t)p.n_cell * p.n_cell);
    }
    if (rc)
        REJECT("out of memory");
    return 0;
}
