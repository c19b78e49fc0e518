/* LOGISTIC and TANH on int16, bit-exact with TFLite's reference integer kernels: the input
 * rescaled to the sigmoid table's units (mica_kernels_int16.h), then its magnitude looked up in
 * TFLite's uint16 sigmoid table with linear interpolation (TANH reads it at twice the rate:
 * tanh(x) = 2 sigmoid(2x) - 1) and mirrored for negative inputs. The table is measured from
 * LiteRT (mica_sigmoid16_table.h, tests/kernels/measure_sigmoid16.py). */
#include "mica_int16_util.h"
#include "mica_sigmoid16_table.h"

/* v >> s rounding toward minus infinity, without shifting a negative value. */
static int64_t floor_shift(int64_t v, int32_t s) {
    return v >= 0 ? v >> s : -((-v + ((int64_t)1 << s) - 1) >> s);
}

/* The interpolated table value at |v| with `bits` fraction bits (Q0.16 << bits); saturated
 * segments give `top`. */
static int64_t interpolate(int64_t v, int32_t bits, int64_t top) {
    int64_t a = v < 0 ? -v : v, uh = a >> bits, ut = a & ((1 << bits) - 1);
    if (uh >= 255)
        return top;
    int64_t lo = mica_sigmoid16_table[uh], hi = mica_sigmoid16_table[uh + 1];
    return (lo << bits) + ut * (hi - lo);
}

static int32_t logistic(int64_t v) {
    int64_t r = interpolate(v, 9, (int64_t)0x7FFF << 10);
    return (int32_t)(v >= 0 ? (r + 512) >> 10 : (((int64_t)1 << 25) + 511 - r) >> 10);
}

static int32_t tanh16(int64_t v) {
    int64_t r = interpolate(v, 8, (int64_t)0xFFFF << 8);
    return (int32_t)(v >= 0 ? floor_shift(r - ((int64_t)1 << 23) + 128, 8)
                            : floor_shift(((int64_t)1 << 23) + 127 - r, 8));
}

int32_t mica_sigmoid16_value(int32_t x, int32_t mult, int32_t shift, int tanh) {
    int64_t round = shift > 0 ? (int64_t)1 << (shift - 1) : 0;
    int64_t v = floor_shift(x * (int64_t)mult + round, shift);
    return tanh ? tanh16(v) : logistic(v);
}

int mica_k_sigmoid16(const mica_kernel_call_t *c) {
    mica_sigmoid16_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    if ((p.tanh != 0 && p.tanh != 1) || p.mult < 1 || p.shift < 0 || p.shift > 31 ||
        p.count > (1u << 28) || c->in_bytes[0] != 2 * p.count || c->out_bytes[0] != 2 * p.count)
        return -1;
    int64_t round = p.shift > 0 ? (int64_t)1 << (p.shift - 1) : 0;
    if (32768 * (int64_t)p.mult + round > INT32_MAX) /* TFLite's int32 product would overflow */
        return -1;
    for (uint32_t i = 0; i < p.count; i++)
        mica_store_i16(c->out[0] + 2 * (int64_t)i,
                       mica_sigmoid16_value(mica_load_i16(c->in[0] + 2 * (int64_t)i), p.mult,
                                            p.shift, p.tanh));
    return 0;
}
