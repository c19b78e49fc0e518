/* LOG_SOFTMAX int8 over the last dimension, TFLite's reference_integer_ops::LogSoftmax: the
 * differences to the row maximum in Q5, their exps summed in Q12, the log of the sum in Q5, then
 * each (difference - log sum) into the output scale 16/256 with zero point 127; values at or
 * below the adjusted minimum difference give -128. Freestanding, integer only. */
#include "mica_kernel_util.h"
#include "mica_gemmlowp.h"

#define LOG_SOFTMAX_OUT_SHIFT (31 - 5 - 4) /* Q5 to the output's 4 integer bits */

static void log_softmax_row(const mica_log_softmax_params_t *p, const int8_t *in, int8_t *out) {
    int32_t max_in = -128;
    for (int32_t i = 0; i < p->depth; i++)
        max_in = in[i] > max_in ? in[i] : max_in;
    int32_t sum_q12 = 0;
    for (int32_t i = 0; i < p->depth; i++) {
        int32_t diff = in[i] - max_in;
        if (diff >= p->diff_min) {
            int32_t q5 = mica_mul_double_round(diff, p->input_multiplier, p->input_left_shift);
            sum_q12 = mica_gl_add(sum_q12, mica_rdbpot(mica_gl_exp_on_negative_q5(q5), 12));
        }
    }
    const int32_t log_sum_q5 = mica_gl_log_q12_to_q5(sum_q12);
    const int32_t shifted_log_sum = mica_gl_add(log_sum_q5, INT32_MIN);
    int32_t adjusted_diff_min =
        mica_mul_double_round(shifted_log_sum, p->reverse_multiplier, p->reverse_shift);
    if (adjusted_diff_min < p->diff_min - 1)
        adjusted_diff_min = p->diff_min - 1;
    for (int32_t i = 0; i < p->depth; i++) {
        int32_t diff = in[i] - max_in, v = -128;
        if (diff > adjusted_diff_min) {
            int32_t q5 = mica_mul_double_round(diff, p->input_multiplier, p->input_left_shift);
            v = mica_rdbpot(mica_gl_sub(q5, log_sum_q5), LOG_SOFTMAX_OUT_SHIFT) + 127;
        }
        out[i] = (int8_t)mica_clamp32(v, -128, 127);
    }
}

int mica_k_log_softmax(const mica_kernel_call_t *c) {
    mica_log_softmax_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    if (p.rows < 1 || p.depth < 1 || p.input_left_shift < 0 || p.input_left_shift > 31 ||
        p.reverse_shift > 0 || p.reverse_shift < -31 || p.diff_min > 0 || p.diff_min == INT32_MIN ||
        (uint64_t)(uint32_t)p.rows * (uint32_t)p.depth != c->in_bytes[0] ||
        c->in_bytes[0] != c->out_bytes[0])
        return -1;
    for (int32_t r = 0; r < p.rows; r++)
        log_softmax_row(&p, c->in[0] + (int64_t)r * p.depth, c->out[0] + (int64_t)r * p.depth);
    return 0;
}
