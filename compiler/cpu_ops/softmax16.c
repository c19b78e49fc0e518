/* SOFTMAX on int16 (16x8 models), TFLite's softmax.cc int16 Prepare: the input difference is
 * rescaled so [-65535, 0] spans [-10, 0] (s_in * beta / (10 / 65535), one multiplier), and two
 * 513-entry tables, exp on [-10, 0] and 1 / (1 + x) on [0, 1], are sampled in double with
 * gen_lut's midpoint correction (each entry moved by half the error the linear interpolation
 * between it and the next makes at their midpoint). */
#include <math.h>
#include <string.h>
#include "cpu_util.h"
#include "int16.h"
#include "quant.h"

#define LUT_STEPS 512

static double exp_f(double x) {
    return exp(x);
}

static double one_over_one_plus(double x) {
    return 1.0 / (1.0 + x);
}

static double clamp16(double v) {
    return v < -32768.0 ? -32768.0 : v > 32767.0 ? 32767.0 : v;
}

/* gen_lut for int16 in and out, output range [-1, 1]: LUT_STEPS + 1 entries. */
static void gen_lut(double (*f)(double), double lo, double hi, int16_t *lut) {
    const double step = (hi - lo) / LUT_STEPS, half = step / 2, scale = 65536.0 / 2.0;
    for (int i = 0; i < LUT_STEPS; i++) {
        double val = f(lo + i * step), mid = f(lo + i * step + half), next = f(lo + (i + 1) * step);
        double sample = round(val * scale);
        double interp = round((next * scale + round(val * scale)) / 2);
        double bias = round((interp - round(mid * scale)) / 2);
        lut[i] = (int16_t)clamp16(sample - bias);
    }
    lut[LUT_STEPS] = (int16_t)clamp16(round(f(hi) * scale));
}

int mica_prepare_softmax16(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                           size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int16_q(in) || !mica_is_int16_q(out) || in->rank < 1 || in->zero_point[0] != 0)
        REJECT("SOFTMAX int16 needs int16 input (zero point 0) and output, rank >= 1");
    if (out->zero_point[0] != 0 || !(fabsf(out->scale[0] - 1.0f / 32768) <= 0.001f / 32768))
        REJECT("output '%.32s' has scale %g and zero point %lld; TFLite's int16 SOFTMAX requires "
               "1/32768 and 0",
               out->name, (double)out->scale[0], (long long)out->zero_point[0]);
    mica_softmax16_params_t p;
    memset(&p, 0, sizeof p);
    float scaled_beta = in->scale[0] * tfl_opt_float(op, TFL_SOFTMAX_BETA, 0.0f); /* float */
    int shift;
    if (mica_checked_multiplier((double)scaled_beta / (10.0 / 65535.0), "SOFTMAX", in, NULL, 0, out,
                                &p.input_multiplier, &shift, err, errlen))
        return -1;
    p.input_shift = shift;
    p.depth = in->dims[in->rank - 1];
    p.rows = p.depth > 0 ? (int32_t)(mica_tensor_elements(in) / p.depth) : 0;
    if (p.depth < 1 || p.depth > 65536)
        REJECT("SOFTMAX int16: last dimension %d must be 1..65536 (the sum of exps stays in int32)",
               p.depth);
    int16_t luts[2][LUT_STEPS + 1];
    gen_lut(exp_f, -10.0, 0.0, luts[0]);
    gen_lut(one_over_one_plus, 0.0, 1.0, luts[1]);
    if (mica_buf_append(params, &p, sizeof p) || mica_buf_append(params, luts, sizeof luts))
        REJECT("out of memory");
    return 0;
}
