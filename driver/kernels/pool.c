/* AVERAGE_POOL_2D and MAX_POOL_2D int8, bit-exact with TFLite reference_integer_ops pooling:
 * only in-image taps count; average = sum rounded half away from zero / taps; output clamped to
 * the fused activation range (input and output share scale and zero point). */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

static int pool_fits(const mica_kernel_call_t *c, const mica_pool_params_t *p) {
    if (c->params_size != sizeof *p || c->ninputs != 1 || c->noutputs != 1) return 0;
    const int32_t v[] = {p->f_h, p->f_w, p->stride_h, p->stride_w};
    for (int i = 0; i < 4; i++) if (v[i] < 1 || v[i] > 65535) return 0;
    if ((int64_t)p->f_h * p->f_w > (1 << 23) || (p->is_max != 0 && p->is_max != 1)) return 0;
    if (p->pad_top < -65535 || p->pad_top > 65535 || p->pad_left < -65535 || p->pad_left > 65535 ||
        !mica_act_ok(p->act_min, p->act_max))
        return 0;
    const int32_t in[] = {p->batches, p->in_h, p->in_w, p->ch}, out[] = {p->batches, p->out_h, p->out_w, p->ch};
    return mica_mul_sizes(in, 4) == (int64_t)c->in_bytes[0] && mica_mul_sizes(out, 4) == (int64_t)c->out_bytes[0];
}

static int32_t pool_value(const mica_pool_params_t *p, const int8_t *img, int64_t y0, int64_t x0, int32_t ch) {
    int64_t y_lo = y0 < 0 ? 0 : y0, y_hi = y0 + p->f_h < p->in_h ? y0 + p->f_h : p->in_h;
    int64_t x_lo = x0 < 0 ? 0 : x0, x_hi = x0 + p->f_w < p->in_w ? x0 + p->f_w : p->in_w;
    int32_t best = -128, n = 0;
    int64_t sum = 0;
    for (int64_t y = y_lo; y < y_hi; y++)
        for (int64_t x = x_lo; x < x_hi; x++) {
            int32_t v = img[(y * p->in_w + x) * p->ch + ch];
            if (v > best) best = v;
            sum += v;
            n++;
        }
    if (p->is_max) return best;
    if (n == 0) return 0;   /* no tap in the image (TFLite rejects such models) */
    int32_t acc = (int32_t)sum;   /* |sum| < 2^30: windows have at most 2^23 taps */
    return acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
}

int mica_k_pool(const mica_kernel_call_t *c) {
    const mica_pool_params_t *p = c->params;
    if (!pool_fits(c, p)) return -1;
    const int64_t img_bytes = (int64_t)p->in_h * p->in_w * p->ch;
    int8_t *out = c->out[0];
    for (int32_t b = 0; b < p->batches; b++)
        for (int32_t oy = 0; oy < p->out_h; oy++)
            for (int32_t ox = 0; ox < p->out_w; ox++)
                for (int32_t ch = 0; ch < p->ch; ch++) {
                    int64_t y0 = (int64_t)oy * p->stride_h - p->pad_top, x0 = (int64_t)ox * p->stride_w - p->pad_left;
                    int32_t v = pool_value(p, c->in[0] + b * img_bytes, y0, x0, ch);
                    *out++ = (int8_t)mica_clamp32(v, p->act_min, p->act_max);
                }
    return 0;
}
