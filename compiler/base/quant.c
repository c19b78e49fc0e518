#include <math.h>
#include "quant.h"

int mica_scale_ok(double scale) {
    return scale > 0 && isfinite(scale);
}

/* real (finite, non-zero) = q_fixed * 2^(e - 31), |q_fixed| in [2^30, 2^31], as QuantizeMultiplier
 * rounds it (half away from zero). */
static int64_t fixed_mantissa(double real, int *e) {
    double q = frexp(real, e); /* |q| in [0.5, 1) */
    int64_t q_fixed = (int64_t)round(q * (double)(1ll << 31));
    if (q_fixed == (1ll << 31)) {
        q_fixed /= 2;
        (*e)++;
    }
    return q_fixed;
}

int mica_weight_scale_ok(double scale) {
    return scale >= 0 && isfinite(scale);
}

int mica_quantize_multiplier(double real, int32_t *m, int *shift) {
    *m = 0;
    *shift = 0;
    if (!isfinite(real))
        return -1;
    if (real == 0.0)
        return 0;
    int e;
    int64_t q_fixed = fixed_mantissa(real, &e);
    if (e < -31)
        return 0; /* TFLite flushes multipliers below 2^-32 to zero */
    if (e > 30)
        return -1;
    *m = (int32_t)q_fixed; /* -2^31 <= q_fixed < 2^31 */
    *shift = e;
    return 0;
}

int mica_quantize_bound(float x, float scale, int32_t zp, int32_t *q) {
    double r = round((double)(x / scale));
    if (!(fabs(r) < 2147483648.0 - 256))
        return -1; /* with zp still inside int32 */
    *q = zp + (int32_t)r;
    return 0;
}

int mica_activation_range_q(int activation, float scale, int32_t zp, int32_t qmin, int32_t qmax,
                            int32_t *lo, int32_t *hi) {
    static const float bounds[4][2] = {{0, 0}, {0.0f, 0}, {-1.0f, 1.0f}, {0.0f, 6.0f}};
    *lo = qmin;
    *hi = qmax;
    if (activation < 0 || activation > 3)
        return -1;
    if (activation == 0)
        return 0;
    int32_t qlo, qhi = qmax;
    if (mica_quantize_bound(bounds[activation][0], scale, zp, &qlo))
        return -2;
    if (activation != 1 && mica_quantize_bound(bounds[activation][1], scale, zp, &qhi))
        return -2;
    *lo = qlo > qmin ? qlo : qmin;
    *hi = qhi < qmax ? qhi : qmax;
    return 0;
}

int mica_activation_range(int activation, float scale, int32_t zp, int32_t *lo, int32_t *hi) {
    return mica_activation_range_q(activation, scale, zp, -128, 127, lo, hi);
}

int mica_softmax_prepare(double beta, double input_scale, int32_t *mult, int32_t *left_shift,
                         int32_t *diff_min) {
    const int integer_bits = 5;
    double real = beta * input_scale * (double)(1ll << (31 - integer_bits));
    if (!(real > 1.0))
        return -1;
    if (real > (double)((1ll << 31) - 1))
        real = (double)((1ll << 31) - 1); /* beta = inf included */
    int shift;
    *mult = (int32_t)fixed_mantissa(real,
                                    &shift); /* 1 < real < 2^31: shift 1..31, the kernel's range */
    *left_shift = shift;
    double max_input = 1.0 * ((1 << integer_bits) - 1) * (double)(1ll << (31 - integer_bits)) /
                       (double)(1ll << shift);
    *diff_min = -(int32_t)floor(max_input);
    return 0;
}
