/* ADD_N and CUMSUM int8, bit-exact with TFLite Micro's reference_ops::AddN / CumSum (ArithmeticParams
 * path, left shift 20): each raw input value q becomes scaled[q] (the compiler evaluates
 * MultiplyByQuantizedMultiplierSmallerThanOneExp((q - zp) << 20) for all 256), sums start at
 * `init` (TFLite Micro's accumulator starts at the scaled input offset, not 0), and every output is
 * MultiplyByQuantizedMultiplierSmallerThanOneExp(sum, out_mult, out_shift) + out_zp, clamped.
 * ADD_N: depth 1, the inputs summed element-wise; CUMSUM: one input, scanned along depth. */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

static int accumulate_fits(const mica_kernel_call_t *c, const mica_accumulate_params_t *p) {
    if (c->params_size != sizeof *p || c->noutputs != 1 || c->ninputs < 1 ||
        c->ninputs > MICA_KERNEL_MAX_IO || (c->ninputs > 1 && p->depth != 1) ||
        !mica_zp_ok(p->out_zp) || p->out_shift > 0 || !mica_shift_ok(p->out_shift) ||
        !mica_act_ok(p->act_min, p->act_max))
        return 0;
    const int32_t sizes[] = {p->outer, p->depth, p->inner};
    int64_t n = mica_mul_sizes(sizes, 3);
    for (int k = 0; k < c->ninputs; k++)
        if (n < 1 || (int64_t)c->in_bytes[k] != n)
            return 0;
    return (int64_t)c->out_bytes[0] == n;
}

int mica_k_accumulate(const mica_kernel_call_t *c) {
    const mica_accumulate_params_t *p = c->params;
    if (!accumulate_fits(c, p))
        return -1;
    for (int32_t o = 0; o < p->outer; o++)
        for (int32_t i = 0; i < p->inner; i++) {
            uint32_t acc = (uint32_t)p->init; /* int32 sums, wrapping instead of TFLite's UB */
            for (int32_t s = 0; s < p->depth; s++) {
                int32_t d = p->reverse ? p->depth - 1 - s : s;
                int64_t idx = ((int64_t)o * p->depth + d) * p->inner + i;
                uint32_t add = 0;
                for (int k = 0; k < c->ninputs; k++)
                    add += (uint32_t)p->scaled[(uint8_t)c->in[k][idx]];
                uint32_t shown = p->exclusive ? acc : acc + add;
                acc += add;
                int32_t y = mica_mul_double_round((int32_t)shown, p->out_mult, p->out_shift);
                c->out[0][idx] = (int8_t)mica_clamp32((int32_t)((uint32_t)y + (uint32_t)p->out_zp),
                                                      p->act_min, p->act_max);
            }
        }
    return 0;
}
