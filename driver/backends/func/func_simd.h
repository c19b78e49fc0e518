/* Target attributes for the functional model's inner loops (func_vector.c, func_requant.c). */
#ifndef MICA_FUNC_SIMD_H
#define MICA_FUNC_SIMD_H
/* The inner loops (STORE's output stage per round mode, RESCALE's lanes) are written so the
 * compiler vectorizes them across columns, and built for AVX2 (round 2: AVX-512) as well where the
 * CPU has them; round 0 also has AVX2 and AVX-512 versions by hand. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define FM_CLONES                                                                                  \
    __attribute__((target_clones("avx2", "default"))) /* AVX-512 measured slower here */
#define FM_CLONES_512                                                                              \
    __attribute__((target_clones("arch=x86-64-v4", "avx2", "default"))) /* and faster here */
/* y is always finite (|x| < 2^32, scale < 2^128): lets fmin/fmax become vector instructions */
#define FM_FINITE __attribute__((optimize("finite-math-only")))
#include <immintrin.h>
#define FM_X86 1
#else
#define FM_CLONES
#define FM_CLONES_512
#define FM_FINITE
#endif

#endif
