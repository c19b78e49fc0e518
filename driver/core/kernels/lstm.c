/* UNIDIRECTIONAL_SEQUENCE_LSTM, two integer flavours sharing one walk (mica_kernels_lstm.h has
 * the arithmetic): width 1, LiteRT's 8x8_16 path (int8 activations); width 2, TFLite Micro's 16x8
 * path (int16 activations), which LiteRT does not have. The hidden and cell states persist between
 * invokes: the runtime keeps them in variable tensors that this step reads (in[1], in[2]) and
 * writes back (out[1], out[2]). Each cell's four gates depend only on the input row, the previous
 * hidden state and its own cell, so the new hidden state is built in the output row and copied to
 * the state after the step: no scratch memory. */
#include "mica_fixedpoint.h"
#include "mica_gemmlowp16.h"
#include "mica_int16_util.h"

typedef struct {
    mica_lstm_params_t p;
    const int8_t *gate[4]; /* bias_x, bias_h, w_x, w_h of each gate */
    int32_t bias_bytes;    /* 4 (int32) for width 1, 8 (int64) for width 2 */
} lstm_t;

static int64_t load_bias(const int8_t *p, int32_t bytes) {
    uint64_t v = 0;
    for (int32_t k = bytes - 1; k >= 0; k--)
        v = v << 8 | (uint8_t)p[k];
    return bytes == 4 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
}

/* The 16x8 requantizations take shifts up to 7 (the int64 MBQM's range). */
static int quant_ok(const mica_lstm_params_t *p) {
    int top = p->width == 2 ? 7 : 30;
    for (int g = 0; g < 4; g++)
        if (!mica_shift_ok(p->shift_x[g]) || !mica_shift_ok(p->shift_h[g]) || p->shift_x[g] > top ||
            p->shift_h[g] > top || p->mult_x[g] < 0 || p->mult_h[g] < 0)
            return 0;
    if (p->width == 2 &&
        (!mica_shift_ok(p->forget_shift) || !mica_shift_ok(p->input_shift) || p->hidden_zp != 0))
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
    if (!mica_width_ok(p->width))
        return -1;
    int32_t in_dims[3] = {p->batch, p->time, p->n_input},
            out_dims[3] = {p->batch, p->time, p->n_cell};
    int64_t in = mica_mul_sizes(in_dims, 3), out = mica_mul_sizes(out_dims, 3);
    if (in < 0 || out < 0 || in > (1 << 28) / p->width || out > (1 << 28) / p->width ||
        p->n_input > (1 << 14) || p->n_cell > (1 << 14) || !quant_ok(p))
        return -1;
    uint64_t w = (uint64_t)p->width, state = (uint64_t)p->batch * (uint64_t)p->n_cell;
    s->bias_bytes = 4 * p->width;
    int64_t per_gate =
        2 * s->bias_bytes * (int64_t)p->n_cell + (int64_t)p->n_cell * (p->n_input + p->n_cell);
    if (c->params_size != sizeof *p + 4 * per_gate || c->in_bytes[0] != w * (uint64_t)in ||
        c->in_bytes[1] != w * state || c->in_bytes[2] != 2 * state ||
        c->out_bytes[0] != w * (uint64_t)out || c->out_bytes[1] != c->in_bytes[1] ||
        c->out_bytes[2] != c->in_bytes[2])
        return -1;
    for (int g = 0; g < 4; g++)
        s->gate[g] = (const int8_t *)c->params + sizeof *p + g * per_gate;
    return 0;
}

/* bias + w . v over n elements of the activation vector v (int8 or int16), summed modulo 2^64 (a
 * damaged bias wraps instead of overflowing). Width 1 keeps the low 32 bits, wrapping as the
 * reference's int32 sums do. */
static int64_t row_sum(const lstm_t *s, const int8_t *bias, const int8_t *w, const int8_t *v,
                       int32_t n) {
    uint64_t acc = (uint64_t)load_bias(bias, s->bias_bytes);
    for (int32_t i = 0; i < n; i++)
        acc += (uint64_t)((int64_t)w[i] * mica_load_q(v, s->p.width, (uint32_t)i));
    return s->p.width == 1 ? (int64_t)(int32_t)(uint32_t)acc : (int64_t)acc;
}

/* Gate g of cell j before its activation (Q3.12), from input row x and hidden state h. LiteRT
 * adds the recurrent product to the clamped input product before clamping again; TFLite Micro
 * clamps both fully connected outputs and adds them saturating. */
static int32_t gate_value(const lstm_t *s, int g, int32_t j, const int8_t *x, const int8_t *h) {
    const mica_lstm_params_t *p = &s->p;
    int64_t nb = s->bias_bytes * (int64_t)p->n_cell;
    const int8_t *bias_x = s->gate[g], *bias_h = bias_x + nb, *w_x = bias_h + nb;
    const int8_t *w_h = w_x + (int64_t)p->n_cell * p->n_input;
    int64_t ax =
        row_sum(s, bias_x + s->bias_bytes * j, w_x + (int64_t)j * p->n_input, x, p->n_input);
    int64_t ah = row_sum(s, bias_h + s->bias_bytes * j, w_h + (int64_t)j * p->n_cell, h, p->n_cell);
    if (p->width == 2)
        return mica_clamp32(
            mica_clamp32(mica_mul_q64(ax, p->mult_x[g], p->shift_x[g]), -32768, 32767) +
                mica_clamp32(mica_mul_q64(ah, p->mult_h[g], p->shift_h[g]), -32768, 32767),
            -32768, 32767);
    int32_t v = mica_clamp32(mica_mul_double_round((int32_t)ax, p->mult_x[g], p->shift_x[g]),
                             -32768, 32767);
    uint32_t y =
        (uint32_t)mica_mul_double_round((int32_t)ah, p->mult_h[g], p->shift_h[g]) + (uint32_t)v;
    return mica_clamp32((int32_t)y, -32768, 32767);
}

/* Sigmoid (tanh 0) or tanh (tanh 1) of a Q3.12 gate, as Q0.15: gemmlowp's fixed point for width
 * 1, the sigmoid table at three times the input (TFLite Micro's power-of-two case) for width 2. */
static int32_t activate(const lstm_t *s, int32_t v, int tanh) {
    if (s->p.width == 2)
        return mica_sigmoid16_value(v, 3, 0, tanh);
    return tanh ? mica_g16_tanh(v, 3) : mica_g16_logistic(v, 3);
}

/* The new cell state from the forget, input and cell gates (width 1: CwiseMul narrows to int16
 * without saturating, CwiseAdd saturates; width 2: two saturating int16 MULs, a saturating add),
 * clipped. */
static int32_t new_cell(const mica_lstm_params_t *p, int32_t f, int32_t i, int32_t g, int32_t c) {
    int32_t kept, added;
    if (p->width == 2) {
        kept = mica_clamp32(mica_mul_double_round(f * c, p->forget_mult, p->forget_shift), -32768,
                            32767);
        added = mica_clamp32(mica_mul_double_round(i * g, p->input_mult, p->input_shift), -32768,
                             32767);
    } else {
        kept = mica_g16_wrap(mica_rdbpot(f * c, 15));
        added = mica_g16_wrap(mica_rdbpot(i * g, 30 + p->cell_log2));
    }
    int32_t n = mica_clamp32(kept + added, -32768, 32767);
    return p->cell_clip > 0 ? mica_clamp32(n, -p->cell_clip, p->cell_clip) : n;
}

/* tanh of the cell state (scale 2^cell_log2) as Q0.15. TFLite Micro reads the table at
 * 3 * 2^(12 + cell_log2) times the raw value, a right shift of the tripled value when negative. */
static int32_t cell_tanh(const mica_lstm_params_t *p, int32_t c) {
    if (p->width == 1)
        return mica_g16_tanh(c, 15 + p->cell_log2);
    int32_t l = 12 + p->cell_log2;
    return l >= 0 ? mica_sigmoid16_value(c, 3 << l, 0, 1) : mica_sigmoid16_value(c, 3, -l, 1);
}

/* One cell of one step: updates the cell state at cell and returns the new hidden value. */
static int32_t cell_step(const lstm_t *s, int32_t j, const int8_t *x, const int8_t *h,
                         int8_t *cell) {
    const mica_lstm_params_t *p = &s->p;
    int32_t i_gate = activate(s, gate_value(s, MICA_LSTM_GATE_INPUT, j, x, h), 0);
    int32_t f_gate = activate(s, gate_value(s, MICA_LSTM_GATE_FORGET, j, x, h), 0);
    int32_t c_gate = activate(s, gate_value(s, MICA_LSTM_GATE_CELL, j, x, h), 1);
    int32_t o_gate = activate(s, gate_value(s, MICA_LSTM_GATE_OUTPUT, j, x, h), 0);
    int32_t c = new_cell(p, f_gate, i_gate, c_gate, mica_load_i16(cell));
    mica_store_i16(cell, c);
    uint32_t y =
        (uint32_t)mica_mul_double_round(o_gate * cell_tanh(p, c), p->hidden_mult, p->hidden_shift) +
        (uint32_t)p->hidden_zp;
    return (int32_t)y;
}

int mica_k_lstm(const mica_kernel_call_t *c) {
    lstm_t s;
    if (setup(c, &s))
        return -1;
    const mica_lstm_params_t *p = &s.p;
    int32_t w = p->width;
    if (c->out[1] != c->in[1])
        mica_copy(c->out[1], c->in[1], c->in_bytes[1]);
    if (c->out[2] != c->in[2])
        mica_copy(c->out[2], c->in[2], c->in_bytes[2]);
    for (int32_t b = 0; b < p->batch; b++) {
        int8_t *h = c->out[1] + (int64_t)w * b * p->n_cell;
        int8_t *cell = c->out[2] + 2 * (int64_t)b * p->n_cell;
        for (int32_t t = 0; t < p->time; t++) {
            int64_t row = p->time_major ? (int64_t)t * p->batch + b : (int64_t)b * p->time + t;
            const int8_t *x = c->in[0] + (int64_t)w * row * p->n_input;
            int8_t *y = c->out[0] + (int64_t)w * row * p->n_cell;
            for (int32_t j = 0; j < p->n_cell; j++) /* clamped to int8 or int16 */
                mica_store_q(y, w, (uint32_t)j, cell_step(&s, j, x, h, cell + 2 * j));
            mica_copy(h, y, (uint32_t)(w * p->n_cell));
        }
    }
    return 0;
}
