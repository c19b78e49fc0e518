/* RESHAPE: the bytes do not change, only the shape, so the kernel is a copy (a no-op when input
 * and output share memory). Freestanding, no libc (tests/kernels/cortex_m4.sh): disjoint aligned
 * buffers are copied 8 bytes a step (a plain byte loop stayed a byte loop at -O2, the compiler
 * cannot rule out overlap: ~4% of a digits inference on the func backend), the rest byte by byte
 * in the direction that is safe if a shared arena overlaps. */
#include <stdint.h>
#include "mica_kernels.h"

typedef uint64_t __attribute__((may_alias)) reshape_word_t;

int mica_k_reshape(const mica_kernel_call_t *c) {
    if (c->ninputs < 1 || c->noutputs != 1 || c->in_bytes[0] != c->out_bytes[0])
        return -1;
    const int8_t *s = c->in[0];
    int8_t *d = c->out[0];
    uint32_t n = c->in_bytes[0], i = 0;
    if (s == d)
        return 0;
    if (d > s && d < s + n) { /* overlapping, destination above: copy backwards */
        while (n-- > 0)
            d[n] = s[n];
        return 0;
    }
    if (((uintptr_t)s & 7) == 0 && ((uintptr_t)d & 7) == 0)
        for (; i + 8 <= n; i += 8)
            *(reshape_word_t *)(d + i) = *(const reshape_word_t *)(s + i);
    for (; i < n; i++)
        d[i] = s[i];
    return 0;
}
