/* GATHER int8 with constant indices: rows picked along one axis, bytes copied (TFLite's gather
 * does not requantize). The indices follow the parameter block; each is checked against the axis. */
#include "mica_kernel_util.h"

int mica_k_take(const mica_kernel_call_t *c) {
    mica_take_params_t p;
    if (c->params_size < sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    const int32_t in_sizes[3] = {p.outer, p.axis_len, p.inner},
                  out_sizes[3] = {p.outer, p.count, p.inner};
    if (p.count < 1 || (uint64_t)c->params_size != sizeof p + 4ull * (uint32_t)p.count ||
        mica_mul_sizes(in_sizes, 3) != (int64_t)c->in_bytes[0] ||
        mica_mul_sizes(out_sizes, 3) != (int64_t)c->out_bytes[0]) /* overflow-safe products */
        return -1;
    const uint8_t *idx = (const uint8_t *)c->params + sizeof p;
    int8_t *out = c->out[0];
    for (int32_t o = 0; o < p.outer; o++)
        for (int32_t i = 0; i < p.count; i++) {
            int32_t k;
            mica_copy_params(&k, idx + 4 * i, 4);
            if (k < 0 || k >= p.axis_len)
                return -1;
            mica_copy(out, c->in[0] + ((int64_t)o * p.axis_len + k) * p.inner, (uint32_t)p.inner);
            out += p.inner;
        }
    return 0;
}

/* GATHER with run-time int32 indices (mica_kernels_int32.h): every index is checked against the
 * axis before a row is read; one outside fails the step with MICA_KERNEL_E_INDEX. */
int mica_k_take_indexed(const mica_kernel_call_t *c) {
    mica_take_indexed_params_t p;
    if (c->params_size < sizeof p || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    const int8_t *table;
    uint32_t table_len;
    int next = 0;
    table = mica_operand_or_const(c, sizeof p, p.table_off, p.table_len, &next, &table_len);
    const int32_t in_sizes[3] = {p.outer, p.axis_len, p.inner_bytes},
                  out_sizes[3] = {p.outer, p.count, p.inner_bytes};
    if (!table || next + 1 != c->ninputs || p.count < 1 ||
        (uint64_t)c->in_bytes[next] != 4ull * (uint32_t)p.count ||
        mica_mul_sizes(in_sizes, 3) != (int64_t)table_len ||
        mica_mul_sizes(out_sizes, 3) != (int64_t)c->out_bytes[0]) /* overflow-safe products */
        return -1;
    const int8_t *idx = c->in[next];
    for (int32_t i = 0; i < p.count; i++) {
        int32_t k;
        mica_copy_params(&k, idx + 4 * i, 4);
        if (k < 0 || k >= p.axis_len)
            return MICA_KERNEL_E_INDEX;
    }
    int8_t *out = c->out[0];
    for (int32_t o = 0; o < p.outer; o++)
        for (int32_t i = 0; i < p.count; i++) {
            int32_t k;
            mica_copy_params(&k, idx + 4 * i, 4);
            mica_copy(out, table + ((int64_t)o * p.axis_len + k) * p.inner_bytes,
                      (uint32_t)p.inner_bytes);
            out += p.inner_bytes;
        }
    return 0;
}
