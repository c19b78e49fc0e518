/* Helpers shared by the CPU kernels: parameter-block checks with overflow-safe 64-bit arithmetic
 * and an N-d index counter. Freestanding C99, header-only (static inline), kernel-private. */
#ifndef MICA_KERNEL_UTIL_H
#define MICA_KERNEL_UTIL_H
#include "mica_kernels.h"

#define MICA_DIM_MAX 0x7FFFFFFF

/* Product of rank dims, each >= 1; -1 if a dim is < 1, the rank is out of range or the product
 * passes 2^32 (no operand is that large). */
static inline int64_t mica_count(const int32_t *dims, int32_t rank) {
    if (rank < 0 || rank > MICA_MAX_RANK) return -1;
    int64_t n = 1;
    for (int32_t d = 0; d < rank; d++) {
        if (dims[d] < 1) return -1;
        n *= dims[d];
        if (n > 0xFFFFFFFFll) return -1;
    }
    return n;
}

/* Product of a few sizes, each >= 1, or -1 (same limit as mica_count). */
static inline int64_t mica_mul_sizes(const int32_t *v, int n) {
    int64_t p = 1;
    for (int i = 0; i < n; i++) {
        if (v[i] < 1) return -1;
        p *= v[i];
        if (p > 0xFFFFFFFFll) return -1;
    }
    return p;
}

/* 1 when every element offset + sum i_d * strides[d] (0 <= i_d < dims[d]) lies in [0, limit). */
static inline int mica_strided_fits(int64_t offset, const int32_t *dims, const int32_t *strides,
                                    int32_t rank, uint32_t limit) {
    int64_t lo = offset, hi = offset;
    if (rank < 0 || rank > MICA_MAX_RANK || offset < 0 || offset >= (int64_t)limit) return 0;
    for (int32_t d = 0; d < rank; d++) {
        if (dims[d] < 1) return 0;
        int64_t span = (int64_t)(dims[d] - 1) * strides[d];
        if (span > 0) hi += span; else lo += span;
        if (lo < 0 || hi >= (int64_t)limit) return 0;   /* checked per step: no int64 overflow */
    }
    return 1;
}

/* Advances the N-d index idx (last dimension fastest) and the offsets that follow it through
 * nsets stride arrays. */
static inline void mica_nd_next(int32_t rank, const int32_t *dims, int32_t *idx, int nsets,
                                const int32_t *const *strides, int64_t *off) {
    for (int32_t d = rank - 1; d >= 0; d--) {
        if (++idx[d] < dims[d]) {
            for (int s = 0; s < nsets; s++) off[s] += strides[s][d];
            return;
        }
        idx[d] = 0;
        for (int s = 0; s < nsets; s++) off[s] -= (int64_t)(dims[d] - 1) * strides[s][d];
    }
}

static inline int mica_shift_ok(int32_t shift) { return shift >= -31 && shift <= 30; }

static inline int mica_act_ok(int32_t lo, int32_t hi) { return lo >= -128 && lo <= hi && hi <= 127; }

static inline int mica_zp_ok(int32_t zp) { return zp >= -128 && zp <= 127; }

/* Bytes copy without libc (gcc must not turn it into memcpy: -ffreestanding keeps loops). */
static inline void mica_copy(int8_t *d, const int8_t *s, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) d[i] = s[i];
}

#endif
