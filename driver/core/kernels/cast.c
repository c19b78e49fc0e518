/* CAST between int8 and int32 / float32 (the model-edge casts of TFLite's cast.cc: raw values,
 * no quantization). int32 -> int8 keeps the low byte (static_cast); float32 -> int8 truncates
 * toward zero and saturates to -128..127, as LiteRT's cast measures (NaN gives 127). */
#include "mica_kernel_util.h"

static int32_t float_to_int8(float f) {
    if (f != f || f >= 127.0f) /* NaN: LiteRT's min(127, NaN) keeps the 127 */
        return 127;
    if (f <= -128.0f)
        return -128;
    return (int32_t)f; /* in range: truncation toward zero */
}

static int32_t load(const int8_t *p, int32_t type) {
    if (type == MICA_CAST_INT8)
        return p[0];
    if (type == MICA_CAST_FLOAT32)
        return float_to_int8(mica_load_f32(p));
    return (int32_t)((uint32_t)(uint8_t)p[0] | (uint32_t)(uint8_t)p[1] << 8 |
                     (uint32_t)(uint8_t)p[2] << 16 | (uint32_t)(uint8_t)p[3] << 24);
}

static uint32_t width(int32_t type) {
    return type == MICA_CAST_INT8 ? 1 : 4;
}

int mica_k_cast(const mica_kernel_call_t *c) {
    mica_cast_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    if (p.in_type < MICA_CAST_INT8 || p.in_type > MICA_CAST_FLOAT32 ||
        p.out_type < MICA_CAST_INT8 || p.out_type > MICA_CAST_FLOAT32 ||
        (p.in_type != MICA_CAST_INT8 && p.out_type != MICA_CAST_INT8) ||
        (uint64_t)p.count * width(p.in_type) != c->in_bytes[0] ||
        (uint64_t)p.count * width(p.out_type) != c->out_bytes[0])
        return -1;
    for (uint32_t i = 0; i < p.count; i++) {
        const int8_t *src = c->in[0] + (uint64_t)i * width(p.in_type);
        int8_t *dst = c->out[0] + (uint64_t)i * width(p.out_type);
        if (p.out_type == MICA_CAST_FLOAT32) { /* int8 -> float32: exact */
            mica_store_f32(dst, (float)src[0]);
            continue;
        }
        int32_t v = load(src, p.in_type);
        for (uint32_t b = 0; b < width(p.out_type); b++)
            dst[b] = (int8_t)(uint8_t)((uint32_t)v >> (8 * b));
    }
    return 0;
}
