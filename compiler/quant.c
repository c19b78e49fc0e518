#include <math.h>
#include "quant.h"

void mica_quantize_multiplier(double real, int32_t *m, int *shift) {
    if (real == 0.0) { *m = 0; *shift = 0; return; }
    int e;
    double q = frexp(real, &e);
    int64_t q_fixed = (int64_t)round(q * (double)(1ll << 31));   /* round half away from zero */
    if (q_fixed == (1ll << 31)) { q_fixed /= 2; e++; }
    if (e < -31) { e = 0; q_fixed = 0; }
    if (e > 30) { e = 30; q_fixed = (1ll << 31) - 1; }   /* TFLite clamps the same way */
    *m = (int32_t)q_fixed;
    *shift = e;
}

int mica_activation_range(int activation, float scale, int32_t zp, int32_t *lo, int32_t *hi) {
    int32_t qmin = -128, qmax = 127;
    #define Q(x) (zp + (int32_t)round((double)((x) / scale)))
    switch (activation) {
    case 0: *lo = qmin; *hi = qmax; return 0;
    case 1: *lo = Q(0.0f) > qmin ? Q(0.0f) : qmin; *hi = qmax; return 0;
    case 2: *lo = Q(-1.0f) > qmin ? Q(-1.0f) : qmin; *hi = Q(1.0f) < qmax ? Q(1.0f) : qmax; return 0;
    case 3: *lo = Q(0.0f) > qmin ? Q(0.0f) : qmin; *hi = Q(6.0f) < qmax ? Q(6.0f) : qmax; return 0;
    default: return -1;
    }
    #undef Q
}

void mica_softmax_prepare(double beta, double input_scale, int32_t *mult, int32_t *left_shift,
                          int32_t *diff_min) {
    const int integer_bits = 5;
    double real = beta * input_scale * (double)(1ll << (31 - integer_bits));
    if (real > (double)((1ll << 31) - 1)) real = (double)((1ll << 31) - 1);
    int shift;
    mica_quantize_multiplier(real, mult, &shift);
    *left_shift = shift;
    double max_input = 1.0 * ((1 << integer_bits) - 1) * (double)(1ll << (31 - integer_bits)) /
                       (double)(1ll << shift);
    *diff_min = -(int32_t)floor(max_input);
}
