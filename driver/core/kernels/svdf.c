/* SVDF with int8 input and output, int8 feature weights, int16 time weights and an int16 state
 * (mica_kernels_int16.h has the arithmetic). The state persists between invokes: the runtime
 * keeps it in a variable tensor that this step reads (in[1]) and writes back (out[1]). */
#include "mica_fixedpoint.h"
#include "mica_int16_util.h"

typedef struct {
    mica_svdf_params_t p;
    const int8_t *bias, *wf, *wt; /* bias int32 LE, weights_feature int8, weights_time int16 LE */
} svdf_t;

static int32_t load_i32(const int8_t *p) {
    return (int32_t)((uint32_t)(uint8_t)p[0] | (uint32_t)(uint8_t)p[1] << 8 |
                     (uint32_t)(uint8_t)p[2] << 16 | (uint32_t)(uint8_t)p[3] << 24);
}

/* Parameter block and operand sizes agree; every product stays below 2^31. */
static int setup(const mica_kernel_call_t *c, svdf_t *s) {
    mica_svdf_params_t *p = &s->p;
    if (c->params_size < sizeof *p || c->ninputs != 2 || c->noutputs != 2)
        return -1;
    mica_copy_params(p, c->params, sizeof *p);
    int32_t sizes[3] = {p->batch, p->n_filter, p->memory};
    int64_t state = mica_mul_sizes(sizes, 3); /* also: each size >= 1 */
    if (state < 0 || p->n_input < 1 || p->rank < 1 || p->n_filter % p->rank ||
        p->n_input > (1 << 24) || !mica_zp_ok(p->in_zp) || !mica_zp_ok(p->out_zp) ||
        !mica_shift_ok(p->shift1) || !mica_shift_ok(p->shift2))
        return -1;
    int64_t units = p->n_filter / p->rank;
    int64_t wf = (int64_t)p->n_filter * p->n_input, wt = (int64_t)p->n_filter * p->memory;
    if (wf > (1 << 28) || (int64_t)p->batch * p->n_input > (1 << 28) ||
        c->params_size != sizeof *p + 4 * units + wf + 2 * wt ||
        c->in_bytes[0] != (uint64_t)p->batch * p->n_input ||
        c->in_bytes[1] != 2 * (uint64_t)state || c->out_bytes[1] != c->in_bytes[1] ||
        c->out_bytes[0] != (uint64_t)p->batch * units)
        return -1;
    s->bias = (const int8_t *)c->params + sizeof *p;
    s->wf = s->bias + 4 * units;
    s->wt = s->wf + wf;
    return 0;
}

/* The feature of filter f for batch row x: the new state column's value. */
static int32_t feature(const svdf_t *s, int32_t f, const int8_t *x) {
    const int8_t *w = s->wf + (int64_t)f * s->p.n_input;
    uint32_t acc = 0; /* int32 arithmetic with wrap-around, as the reference's int32 sum */
    for (int32_t i = 0; i < s->p.n_input; i++)
        acc += (uint32_t)((int32_t)w[i] * ((int32_t)x[i] - s->p.in_zp));
    int32_t v = mica_mul_double_round((int32_t)acc, s->p.mult1, s->p.shift1);
    return mica_clamp32(v, -32768, 32767);
}

/* Filter f of one batch row: the time dot product over the state with the new feature as its
 * newest column, and the state shifted one column older into out_state. */
static int32_t time_dot(const svdf_t *s, int32_t f, const int8_t *x, const int8_t *in_state,
                        int8_t *out_state) {
    int32_t mem = s->p.memory, feat = feature(s, f, x);
    const int8_t *st = in_state + 2 * (int64_t)f * mem, *wt = s->wt + 2 * (int64_t)f * mem;
    int8_t *dst = out_state + 2 * (int64_t)f * mem;
    uint32_t acc = 0;
    for (int32_t m = 0; m < mem; m++) {
        int32_t v = m == mem - 1 ? feat : mica_load_i16(st + 2 * m);
        acc += (uint32_t)(mica_load_i16(wt + 2 * m) * v);
        if (m > 0)
            mica_store_i16(dst + 2 * (m - 1), v);
    }
    mica_store_i16(dst + 2 * (mem - 1), 0);
    return (int32_t)acc;
}

int mica_k_svdf(const mica_kernel_call_t *c) {
    svdf_t s;
    if (setup(c, &s))
        return -1;
    int32_t units = s.p.n_filter / s.p.rank;
    int64_t state_row = 2 * (int64_t)s.p.n_filter * s.p.memory;
    for (int32_t b = 0; b < s.p.batch; b++) {
        const int8_t *x = c->in[0] + (int64_t)b * s.p.n_input;
        const int8_t *in_state = c->in[1] + b * state_row;
        int8_t *out_state = c->out[1] + b * state_row;
        for (int32_t u = 0; u < units; u++) {
            uint32_t acc = (uint32_t)load_i32(s.bias + 4 * u);
            for (int32_t r = 0; r < s.p.rank; r++)
                acc += (uint32_t)time_dot(&s, u * s.p.rank + r, x, in_state, out_state);
            int32_t y = mica_mul_double_round((int32_t)acc, s.p.mult2, s.p.shift2) + s.p.out_zp;
            c->out[0][(int64_t)b * units + u] = (int8_t)mica_clamp32(y, -128, 127);
        }
    }
    return 0;
}
