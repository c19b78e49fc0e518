/* CAST between int8 or int16 and int8, int16, int32 or float32 (TFLite's cast.cc: raw values, no
 * quantization). An integer narrows to its low bytes (static_cast); float32 truncates toward zero
 * and saturates to the target's range, as LiteRT's cast measures (NaN gives the maximum). CAST
 * (id 125) runs the int8 pairs, CAST16 (id 118) those with an int16 side: one function. */
#include "mica_kernel_util.h"

static uint32_t width(int32_t type) {
    return type == MICA_CAST_INT8 ? 1 : type == MICA_CAST_INT16 ? 2 : 4;
}

static int32_t float_to_int(float f, int32_t bytes) {
    float hi = bytes == 1 ? 127.0f : 32767.0f;
    if (f != f || f >= hi) /* NaN: LiteRT's min(max, NaN) keeps the maximum */
        return (int32_t)hi;
    if (f <= -hi - 1.0f)
        return (int32_t)(-hi - 1.0f);
    return (int32_t)f; /* in range: truncation toward zero */
}

/* An integer element of `bytes` little-endian bytes, sign-extended. */
static int32_t load_int(const int8_t *p, uint32_t bytes) {
    uint32_t u = 0;
    for (uint32_t b = 0; b < bytes; b++)
        u |= (uint32_t)(uint8_t)p[b] << (8 * b);
    uint32_t sign = (uint32_t)1 << (8 * bytes - 1);
    return bytes == 4 ? (int32_t)u : (int32_t)((u ^ sign) - sign);
}

static int types_ok(const mica_cast_params_t *p) {
    int narrow_in = p->in_type == MICA_CAST_INT8 || p->in_type == MICA_CAST_INT16;
    int narrow_out = p->out_type == MICA_CAST_INT8 || p->out_type == MICA_CAST_INT16;
    return p->in_type >= MICA_CAST_INT8 && p->in_type <= MICA_CAST_INT16 &&
           p->out_type >= MICA_CAST_INT8 && p->out_type <= MICA_CAST_INT16 &&
           (narrow_in || narrow_out);
}

int mica_k_cast(const mica_kernel_call_t *c) {
    mica_cast_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    uint32_t win = width(p.in_type), wout = width(p.out_type);
    if (!types_ok(&p) || (uint64_t)p.count * win != c->in_bytes[0] ||
        (uint64_t)p.count * wout != c->out_bytes[0])
        return -1;
    for (uint32_t i = 0; i < p.count; i++) {
        const int8_t *src = c->in[0] + (uint64_t)i * win;
        int8_t *dst = c->out[0] + (uint64_t)i * wout;
        if (p.out_type == MICA_CAST_FLOAT32) { /* an int8 / int16 value: exact */
            mica_store_f32(dst, (float)load_int(src, win));
            continue;
        }
        int32_t v = p.in_type == MICA_CAST_FLOAT32 ? float_to_int(mica_load_f32(src), wout)
                                                   : load_int(src, win);
        for (uint32_t b = 0; b < wout; b++)
            dst[b] = (int8_t)(uint8_t)((uint32_t)v >> (8 * b));
    }
    return 0;
}
