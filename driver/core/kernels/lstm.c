/* UNIDIRECTIONAL_SEQUENCE_LSTM, TFLite's integer 8x8_16 path (mica_kernels_lstm.h has the
 * arithmetic). The hidden and cell states persist between invokes: the runtime keeps them in
 * variable tensors that this step reads (in[1], in[2]) and writes back (out[1], out[2]). Each
 * cell's four gates depend only on the input row, the previous hidden state and its own cell, so
 * the new hidden state is built in the output row and copied to the state after the step: no
 * scratch memory. */
#include "mica_fixedpoint.h"
#include "mica_gemmlowp16.h"
#include "mica_int16_util.h"

typedef struct {
    mica_lstm_params_t p;
    const int8_t *gate[4]; /* bias_x, bias_h (int32 LE), w_x, w_h of each gate */
} lstm_t;

static int32_t load_i32(const int8_t *p) {
    return (int32_t)((uint32_t)(uint8_t)p[0] | (uint32_t)(uint8_t)p[1] << 8 |
                     (uint32_t)(uint8_t)p[2] << 16 | (uint32_t)(uint8_t)p[3] << 24);
}

static int quant_ok(const mica_lstm_params_t *p) {
    for (int g = 0; g < 4; g++)
        if (!mica_shift_ok(p->shift_x[g]) || !mica_shift_ok(p->shift_h[g]))
            return 0;
    return mica_shift_ok(p->hidden_shift) && mica_zp_ok(p->hidden_zp) && p->cell_log2 >= -15 &&
           p->cell_log2 <= -9 && p->cell_clip >= 0 && p->cell_clip <= 32767 &&
           (p->time_major == 0 || p->time_major == 1);
}

/* Parameter block and operand sizes agree; every size and product stays below 2^31. */
static int setup(const mica_kernel_call_t *c, lstm_t *s) {
    mica_lstm_params_t *p = &s->p;
    if (c->params_size < sizeof *p || c->ninputs != 3 || c->noutputs != 3)
        return -1;
    mica_copy_params(p, c->params, sizeof *p);
    int32_t in_dims[3] = {p->batch, p->time, p->n_input},
            out_dims[3] = {p->batch, p->time, p->n_cell};
    int64_t in = mica_mul_sizes(in_dims, 3), out = mica_mul_sizes(out_dims, 3);
    if (in < 0 || out < 0 || in > (1 << 28) || out > (1 << 28) || p->n_input > (1 << 14) ||
        p->n_cell > (1 << 14) || !quant_ok(p))
        return -1;
    int64_t state = (int64_t)p->batch * p->n_cell;
    int64_t per_gate = 8 * (int64_t)p->n_cell + (int64_t)p->n_cell * (p->n_input + p->n_cell);
    if (c->params_size != sizeof *p + 4 * per_gate || c->in_bytes[0] != (uint64_t)in ||
        c->in_bytes[1] != (uint64_t)state || c->in_bytes[2] != 2 * (uint64_t)state ||
        c->out_bytes[0] != (uint64_t)out || c->out_bytes[1] != c->in_bytes[1] ||
        c->out_bytes[2] != c->in_bytes[2])
        return -1;
    for (int g = 0; g < 4; g++)
        s->gate[g] = (const int8_t *)c->params + sizeof *p + g * per_gate;
    return 0;
}

/* clamp16(MBQM(bias + w . v, mult, shift) + add): one matrix row of
 * MatrixBatchVectorMultiplyAccumulate into an int16 gate (int32 sums wrap as the reference's). */
static int32_t gate_row(const int8_t *bias, const int8_t *w, const int8_t *v, int32_t n,
                        int32_t mult, int32_t shift, int32_t add) {
    uint32_t acc = (uint32_t)load_i32(bias);
    for (int32_t i = 0; i < n; i++)
        acc += (uint32_t)((int32_t)w[i] * (int32_t)v[i]);
    uint32_t y = (uint32_t)mica_mul_double_round((int32_t)acc, mult, shift) + (uint32_t)add;
    return mica_clamp32((int32_t)y, -32768, 32767);
}

/* Gate g of cell j before its activation, from input row x and hidden state h. */
static int32_t gate_value(const lstm_t *s, int g, int32_t j, const int8_t *x, const int8_t *h) {
    const mica_lstm_params_t *p = &s->p;
    const int8_t *bias_x = s->gate[g], *bias_h = bias_x + 4 * (int64_t)p->n_cell;
    const int8_t *w_x = bias_h + 4 * (int64_t)p->n_cell;
    const int8_t *w_h = w_x + (int64_t)p->n_cell * p->n_input;
    int32_t v = gate_row(bias_x + 4 * j, w_x + (int64_t)j * p->n_input, x, p->n_input, p->mult_x[g],
                         p->shift_x[g], 0);
    return gate_row(bias_h + 4 * j, w_h + (int64_t)j * p->n_cell, h, p->n_cell, p->mult_h[g],
                    p->shift_h[g], v);
}

/* One cell of one step: updates the cell state at cell and returns the new hidden value. */
static int8_t cell_step(const lstm_t *s, int32_t j, const int8_t *x, const int8_t *h,
                        int8_t *cell) {
    const mica_lstm_params_t *p = &s->p;
    int32_t i_gate = mica_g16_logistic(gate_value(s, MICA_LSTM_GATE_INPUT, j, x, h), 3);
    int32_t f_gate = mica_g16_logistic(gate_value(s, MICA_LSTM_GATE_FORGET, j, x, h), 3);
    int32_t c_gate = mica_g16_tanh(gate_value(s, MICA_LSTM_GATE_CELL, j, x, h), 3);
    int32_t o_gate = mica_g16_logistic(gate_value(s, MICA_LSTM_GATE_OUTPUT, j, x, h), 3);
    /* CwiseMul narrows to int16 without saturating; CwiseAdd saturates. */
    int32_t kept = mica_g16_wrap(mica_rdbpot(f_gate * mica_load_i16(cell), 15));
    int32_t added = mica_g16_wrap(mica_rdbpot(i_gate * c_gate, 30 + p->cell_log2));
    int32_t c = mica_clamp32(kept + added, -32768, 32767);
    if (p->cell_clip > 0)
        c = mica_clamp32(c, -p->cell_clip, p->cell_clip);
    mica_store_i16(cell, c);
    int32_t t = mica_g16_tanh(c, 15 + p->cell_log2);
    uint32_t y = (uint32_t)mica_mul_double_round(o_gate * t, p->hidden_mult, p->hidden_shift) +
                 (uint32_t)p->hidden_zp;
    return (int8_t)mica_clamp32((int32_t)y, -128, 127);
}

int mica_k_lstm(const mica_kernel_call_t *c) {
    lstm_t s;
    if (setup(c, &s))
        return -1;
    const mica_lstm_params_t *p = &s.p;
    if (c->out[1] != c->in[1])
        mica_copy(c->out[1], c->in[1], c->in_bytes[1]);
    if (c->out[2] != c->in[2])
        mica_copy(c->out[2], c->in[2], c->in_bytes[2]);
    for (int32_t b = 0; b < p->batch; b++) {
        int8_t *h = c->out[1] + (int64_t)b * p->n_cell;
        int8_t *cell = c->out[2] + 2 * (int64_t)b * p->n_cell;
        for (int32_t t = 0; t < p->time; t++) {
            int64_t row = p->time_major ? (int64_t)t * p->batch + b : (int64_t)b * p->time + t;
            const int8_t *x = c->in[0] + row * p->n_input;
            int8_t *y = c->out[0] + row * p->n_cell;
            for (int32_t j = 0; j < p->n_cell; j++)
                y[j] = cell_step(&s, j, x, h, cell + 2 * j);
            mica_copy(h, y, (uint32_t)p->n_cell);
        }
    }
    return 0;
}
