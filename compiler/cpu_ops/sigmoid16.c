/* LOGISTIC and TANH on int16 (16x8 models), activations.cc's int16 Prepare: zero points 0, the
 * output Q0.15 (scale 2^-15 by CheckedLog2), and the input rescaled to the sigmoid table's
 * 1 / (3 * 4096) units, by 3 << left_shift for a power-of-two input scale (LOGISTIC 2^-12,
 * TANH 2^-12 or 2^-11) and otherwise by (int)(s * 12288 * 2^shift) with the smallest shift
 * that lifts it above 32767 / 2. The table itself lives in the kernel. */
#include <limits.h>
#include <math.h>
#include <string.h>
#include "cpu_util.h"
#include "int16.h"

/* TFLite's CheckedLog2 in float: the rounded log2, and whether the scale is within 1e-3 of it. */
static int checked_log2(float scale, int *log2_rounded) {
    float l = logf(scale) * (1.0f / logf(2.0f));
    float rounded = roundf(l);
    *log2_rounded = (int)rounded;
    return fabsf(l - rounded) < 1e-3f;
}

/* The input rescale as the kernel applies it: v = (x * mult + round) >> shift. */
static void input_rescale(float scale, int tanh, int32_t *mult, int32_t *shift) {
    int log2_rounded;
    int pot = checked_log2(scale, &log2_rounded);
    int left = 12 + log2_rounded; /* (15 - 3 integer bits) + log2 */
    if (pot && (left == 0 || (tanh && left == 1))) {
        *mult = 3 << left;
        *shift = 0;
        return;
    }
    double m = (double)scale * 4096.0 * 3.0;
    int32_t s = 0;
    while (m <= 32767.0 / 2.0 && s <= 30) {
        s++;
        m *= 2.0;
    }
    *mult = m < (double)INT_MAX ? (int32_t)m : INT_MAX;
    *shift = s;
}

int mica_prepare_sigmoid16(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                           size_t errlen) {
    int tanh = op->builtin == TFL_OP_TANH;
    const char *name = tanh ? "TANH" : "LOGISTIC";
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int16_q(in) || !mica_is_int16_q(out) || in->zero_point[0] != 0 ||
        out->zero_point[0] != 0)
        REJECT("%s int16 needs int16 input and output with zero point 0", name);
    int out_log2;
    if (!checked_log2(out->scale[0], &out_log2) || out_log2 != -15)
        REJECT("output '%.32s' has scale %g; TFLite's int16 %s requires 1/32768", out->name,
               (double)out->scale[0], name);
    int64_t n = mica_tensor_elements(in);
    if (n != mica_tensor_elements(out) || n > (1 << 28))
        REJECT("%s int16: input and output sizes differ (or exceed 2^28 elements)", name);
    mica_sigmoid16_params_t p;
    memset(&p, 0, sizeof p);
    p.tanh = tanh;
    p.count = (uint32_t)n;
    input_rescale(in->scale[0], tanh, &p.mult, &p.shift);
    int64_t round = p.shift > 0 ? (int64_t)1 << (p.shift - 1) : 0;
    if (32768 * (int64_t)p.mult + round > INT32_MAX)
        REJECT("input '%.32s' scale %g is too large: TFLite's int16 %s rescale (x * %d) overflows "
               "int32 (scale must be below about 5.3)",
               in->name, (double)in->scale[0], name, p.mult);
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
