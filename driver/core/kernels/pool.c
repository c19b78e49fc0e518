/* AVERAGE_POOL_2D and MAX_POOL_2D, int8 and int16 (one walk, pool_impl.h, per element type), bit-exact with TFLite reference_integer_ops pooling:
 * only in-image taps count; average = sum rounded half away from zero / taps; output clamped to
 * the fused activation range (input and output share scale and zero point).
 * Speed: the window is clipped once per output pixel and each tap updates a chunk of channel
 * accumulators (channels are contiguous in NHWC). */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"
#include "mica_int16_util.h"

#define POOL_CHUNK 64 /* channels accumulated together (256 bytes of stack) */
#define POOL_BLOCK 16 /* constant-length inner loop: gcc vectorizes it at -O2 */

static int pool_fits(const mica_kernel_call_t *c, const mica_pool_params_t *p, int32_t width) {
    if (c->params_size != sizeof *p || c->ninputs != 1 || c->noutputs != 1)
        return 0;
    const int32_t v[] = {p->f_h, p->f_w, p->stride_h, p->stride_w};
    for (int i = 0; i < 4; i++)
        if (v[i] < 1 || v[i] > 65535)
            return 0;
    if ((int64_t)p->f_h * p->f_w > (width == 1 ? 1 << 23 : 65535) ||
        (p->is_max != 0 && p->is_max != 1))
        return 0;
    if (p->pad_top < -65535 || p->pad_top > 65535 || p->pad_left < -65535 || p->pad_left > 65535 ||
        (width == 1 ? !mica_act_ok(p->act_min, p->act_max)
                    : p->act_min < -32768 || p->act_min > p->act_max || p->act_max > 32767))
        return 0;
    const int32_t in[] = {p->batches, p->in_h, p->in_w, p->ch},
                  out[] = {p->batches, p->out_h, p->out_w, p->ch};
    return mica_mul_sizes(in, 4) * width == (int64_t)c->in_bytes[0] &&
           mica_mul_sizes(out, 4) * width == (int64_t)c->out_bytes[0];
}

#define POOL_W 1
#define POOL_AT(p, i) ((int32_t)(p)[i])
#define POOL_LOWEST (-128)
#define POOL_FN(name) name##8
#include "pool_impl.h"

#define POOL_W 2
#define POOL_AT(p, i) mica_load_i16((p) + 2 * (i))
#define POOL_LOWEST (-32768)
#define POOL_FN(name) name##16
#include "pool_impl.h"

int mica_k_pool(const mica_kernel_call_t *c) {
    const mica_pool_params_t *p = c->params;
    return pool_fits(c, p, 1) ? pool_run8(c, p) : -1;
}

int mica_k_pool16(const mica_kernel_call_t *c) {
    const mica_pool_params_t *p = c->params;
    return pool_fits(c, p, 2) ? pool_run16(c, p) : -1;
}
