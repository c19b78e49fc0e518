/* UNIDIRECTIONAL_SEQUENCE_LSTM, two integer flavours in one kernel (width selects):
 * width 1: LiteRT's fully integer 8x8_16 path (lstm_eval.cc EvalInteger8x8_16, without layer
 *   norm): int8 input, output and hidden state, int32 biases.
 * width 2: TFLite Micro's 16x8 path (lstm_eval.h LstmStep with int16 activations; LiteRT has none):
 *   int16 input, output and hidden state (zero point 0), int64 biases.
 * Both: int8 weights and an int16 cell state, the states variable tensors kept between invokes.
 * mica_kernels.h puts the kernel in MICA_KERNEL_LIST. */
#ifndef MICA_KERNELS_LSTM_H
#define MICA_KERNELS_LSTM_H
#include <stdint.h>

#define MICA_KERNEL_LIST_LSTM(X) X(140, UNIDIRECTIONAL_SEQUENCE_LSTM, mica_k_lstm)

enum { MICA_LSTM_GATE_INPUT, MICA_LSTM_GATE_FORGET, MICA_LSTM_GATE_CELL, MICA_LSTM_GATE_OUTPUT };

/* Operands: in[0] the input ([batch][time][n_input], or [time][batch][n_input] when
 * time_major), in[1] the hidden state [batch][n_cell], in[2] the int16 cell state
 * [batch][n_cell]; out[0] the output (the input's layout with n_cell), out[1] and out[2] the
 * updated states (the same tensors); activations are `width` bytes. Per step and gate g (input,
 * forget, cell, output), MBQM being MultiplyByQuantizedMultiplier:
 * width 1 (LiteRT):
 *   gate = clamp16(MBQM(bias_x[g] + sum w_x[g] * x, mult_x[g], shift_x[g]))
 *   gate = clamp16(MBQM(bias_h[g] + sum w_h[g] * h, mult_h[g], shift_h[g]) + gate)
 *   (the biases carry the zero points: bias - zp * row sum), then the gemmlowp sigmoid (Q3.12 ->
 *   Q0.15) or, for the cell gate, tanh (Q3.12). c = clamp16(rdbpot(f * c, 15) + rdbpot(i * g,
 *   30 + cell_log2)); h = clamp8(MBQM(o * tanh_{15+cell_log2}(c), hidden_mult, hidden_shift) +
 *   hidden_zp).
 * width 2 (TFLite Micro; 64-bit sums, the int64 MBQM of the 16x8 operators):
 *   gate = clamp16(clamp16(MBQM64(bias_x[g] + sum w_x[g] * x, mult_x[g], shift_x[g])) +
 *                  clamp16(MBQM64(sum w_h[g] * h, mult_h[g], shift_h[g])))
 *   then TFLite's int16 LOGISTIC / TANH (the sigmoid table) at 3 x gate; c = clamp16(
 *   clamp16(MBQM(f * c, forget_mult, forget_shift)) + clamp16(MBQM(i * g, input_mult,
 *   input_shift))); h = clamp16(MBQM(tanh(c) * o, hidden_mult, hidden_shift)), tanh(c) read at
 *   the cell scale.
 * Both: c clipped to +-cell_clip when cell_clip > 0; the output is h. Followed, per gate in the
 * order above, by n_cell bias_x, n_cell bias_h (int32 LE for width 1, int64 LE for width 2, where
 * bias_h is 0), int8 w_x [n_cell][n_input], int8 w_h [n_cell][n_cell]. */
typedef struct {
    int32_t batch, time, n_input, n_cell, time_major;
    int32_t cell_log2, cell_clip, hidden_zp;
    int32_t mult_x[4], shift_x[4], mult_h[4], shift_h[4];
    int32_t hidden_mult, hidden_shift;
    int32_t width; /* 1: int8 activations (LiteRT's arithmetic); 2: int16 (TFLite Micro's) */
    int32_t forget_mult, forget_shift, input_mult, input_shift; /* width 2: f * c and i * g */
} mica_lstm_params_t;

#endif
