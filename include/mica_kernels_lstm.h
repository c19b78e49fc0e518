/* UNIDIRECTIONAL_SEQUENCE_LSTM, TFLite's fully integer 8x8_16 path (lstm_eval.cc
 * EvalInteger8x8_16, without layer norm): int8 input and output, int8 weights, int32 biases, an
 * int8 hidden (output) state and an int16 cell state, both variable tensors kept between invokes.
 * mica_kernels.h puts the kernel in MICA_KERNEL_LIST. */
#ifndef MICA_KERNELS_LSTM_H
#define MICA_KERNELS_LSTM_H
#include <stdint.h>

#define MICA_KERNEL_LIST_LSTM(X) X(140, UNIDIRECTIONAL_SEQUENCE_LSTM, mica_k_lstm)

enum { MICA_LSTM_GATE_INPUT, MICA_LSTM_GATE_FORGET, MICA_LSTM_GATE_CELL, MICA_LSTM_GATE_OUTPUT };

/* Operands: in[0] the int8 input ([batch][time][n_input], or [time][batch][n_input] when
 * time_major), in[1] the int8 hidden state [batch][n_cell], in[2] the int16 cell state
 * [batch][n_cell]; out[0] the int8 output (the input's layout with n_cell), out[1] and out[2] the
 * updated states (the same tensors). Per step and gate g (input, forget, cell, output):
 *   gate = clamp16(MBQM(bias_x[g] + sum w_x[g] * x, mult_x[g], shift_x[g]))
 *   gate = clamp16(MBQM(bias_h[g] + sum w_h[g] * h, mult_h[g], shift_h[g]) + gate)
 * (the biases carry the zero points: bias - zp * row sum), then sigmoid (Q3.12 -> Q0.15) or, for
 * the cell gate, tanh (Q3.12). c = clamp16(rdbpot(f * c, 15) + rdbpot(i * g, 30 + cell_log2)),
 * clipped to +-cell_clip when cell_clip > 0; h = clamp8(MBQM(o * tanh_{15+cell_log2}(c),
 * hidden_mult, hidden_shift) + hidden_zp); the output is h. Followed, per gate in the order above,
 * by n_cell int32 bias_x, n_cell int32 bias_h, int8 w_x [n_cell][n_input], int8 w_h
 * [n_cell][n_cell]. */
typedef struct {
    int32_t batch, time, n_input, n_cell, time_major;
    int32_t cell_log2, cell_clip, hidden_zp;
    int32_t mult_x[4], shift_x[4], mult_h[4], shift_h[4];
    int32_t hidden_mult, hidden_shift;
} mica_lstm_params_t;

#endif
