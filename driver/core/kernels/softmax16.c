/* SOFTMAX on int16, bit-exact with TFLite's reference SoftmaxInt16: per row, each difference to
 * the row's maximum rescaled into the exp table's domain, exp by table lookup with linear
 * interpolation (Q0.15), the sum's reciprocal by the 1 / (1 + x) table after normalizing it,
 * then exp * reciprocal rounded back to Q0.15 in [0, 32767]. The tables (mica_kernels_int16.h)
 * come from the compiler. The exps wait in the output row between the two passes. */
#include "mica_fixedpoint.h"
#include "mica_int16_util.h"

#define LUT_ENTRIES 513

/* generic_int16_table_lookup: 512 segments, the top 9 bits pick one, the low 7 interpolate. */
static int32_t lookup(int32_t v, const int8_t *lut) {
    int32_t index = 256 + (v >> 7), offset = v & 0x7f;
    int32_t base = mica_load_i16(lut + 2 * index);
    int32_t slope = (int16_t)(uint16_t)(mica_load_i16(lut + 2 * index + 2) - base);
    return (int16_t)(uint16_t)(base + ((slope * offset + 64) >> 7));
}

static int32_t leading_zeros(uint32_t x) {
    int32_t n = 0;
    while (n < 32 && !(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

static void softmax_row(const mica_softmax16_params_t *p, const int8_t *luts, const int8_t *in,
                        int8_t *out) {
    int32_t max = -32768;
    uint32_t sum = 0; /* the exps of valid tables are >= 0, and depth <= 65536 keeps it < 2^31 */
    for (int32_t j = 0; j < p->depth; j++)
        max = mica_load_i16(in + 2 * j) > max ? mica_load_i16(in + 2 * j) : max;
    for (int32_t j = 0; j < p->depth; j++) {
        int32_t d = mica_mul_double_round(mica_load_i16(in + 2 * j) - max, p->input_multiplier,
                                          p->input_shift);
        int32_t e = lookup(mica_clamp32(d + 32767, -32768, 32767), luts);
        mica_store_i16(out + 2 * j, e);
        sum += (uint32_t)e;
    }
    /* 1..30 for any sum of valid exps (>= the maximum's, about 2^15); a damaged table's sum
     * cannot make a shift negative */
    int32_t head = mica_clamp32(leading_zeros(sum), 1, 30);
    int32_t shifted =
        (int32_t)(((int64_t)((uint64_t)(int64_t)(int32_t)sum << (head - 1)) + (1 << 13)) >> 14);
    int32_t reciprocal = lookup(mica_clamp32(shifted - ((1 << 15) + (1 << 16)), -32768, 32767),
                                luts + 2 * LUT_ENTRIES);
    int32_t right = 31 - head;
    for (int32_t j = 0; j < p->depth; j++) {
        int64_t r =
            ((int64_t)mica_load_i16(out + 2 * j) * reciprocal + ((int64_t)1 << (right - 1))) >>
            right;
        mica_store_i16(out + 2 * j, r < 0 ? 0 : r > 32767 ? 32767 : (int32_t)r);
    }
}

int mica_k_softmax16(const mica_kernel_call_t *c) {
    mica_softmax16_params_t p;
    if (c->params_size != sizeof p + 4 * LUT_ENTRIES || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    const int32_t sizes[] = {p.rows, p.depth, 2};
    if (p.depth > 65536 || !mica_shift_ok(p.input_shift) || p.input_multiplier < 0 ||
        mica_mul_sizes(sizes, 3) != (int64_t)c->in_bytes[0] || c->out_bytes[0] != c->in_bytes[0])
        return -1;
    const int8_t *luts = (const int8_t *)c->params + sizeof p;
    for (int32_t r = 0; r < p.rows; r++)
        softmax_row(&p, luts, c->in[0] + 2 * (int64_t)r * p.depth,
                    c->out[0] + 2 * (int64_t)r * p.depth);
    return 0;
}
