/* The requantization arithmetic shared by the functional model and (as a golden model) the RTL
 * tests: mode 2 must equal the double-precision multiply + std::round that LiteRT's reference
 * FULLY_CONNECTED performs, for random, tie and near-tie cases. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "mica_fixedpoint.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int32_t reference(int32_t x, double real) {
    double y = round((double)x * real); /* what the reference kernel does */
    if (y > 2147483647.0)
        return INT32_MAX;
    if (y < -2147483648.0)
        return INT32_MIN;
    return (int32_t)y;
}

static int check(int32_t x, double real, long *bad) {
    int e;
    double q = frexp(real, &e);
    uint64_t m53 = (uint64_t)ldexp(q, 53);
    int32_t got = mica_mul_real(x, m53, e), want = reference(x, real);
    if (got != want && (*bad)++ < 10)
        printf("mismatch x=%d real=%.17g: got %d want %d\n", x, real, got, want);
    return got == want;
}

int main(void) {
    long n = 0, bad = 0;
    for (int i = 0; i < 2000000; i++, n++) { /* random accumulators and scales */
        int32_t x = (int32_t)next();
        if (i & 1)
            x >>= (next() % 31);
        double real =
            ldexp(0.5 + (double)(next() >> 11) / 18014398509481984.0, -(int)(next() % 40));
        check(x, real, &bad);
    }
    for (int i = 0; i < 1000000; i++, n++) { /* exact ties: real = k / 2^j */
        int32_t x = (int32_t)(next() % 200001) - 100000;
        double real = ldexp((double)(next() % 4096 + 1), -(int)(next() % 20 + 1));
        check(x, real, &bad);
    }
    for (int i = 0; i < 1000000; i++, n++) { /* products one ulp from a half */
        int32_t x = (int32_t)(next() % 20001) - 10000;
        if (x == 0)
            x = 1;
        double target = (double)(int32_t)(next() % 2001 - 1000) + 0.5;
        double real = nextafter(target / x, (next() & 1) ? 1e9 : -1e9);
        if (real <= 0)
            continue;
        check(x, real, &bad);
    }
    int32_t edge[] = {INT32_MIN, INT32_MAX, -1, 1, 0};
    for (unsigned i = 0; i < 5; i++)
        for (int k = 0; k < 64; k++, n++)
            check(edge[i], ldexp(0.75, 20 - k), &bad);
    /* double and single rounding on their defining identities */
    for (int i = 0; i < 100000; i++, n++) {
        int32_t x = (int32_t)next(), m = (int32_t)((next() >> 33) | 0x40000000u);
        int shift = (int)(next() % 40) - 31;
        int64_t exact_single = ((int64_t)x * m + (1ll << (30 - shift))) >> (31 - shift);
        if (shift <= 0 && mica_mul_single_round(x, m, shift) != (int32_t)exact_single)
            bad++;
    }
    printf("test_requant: %ld cases, %ld mismatches -> %s\n", n, bad, bad ? "FAIL" : "PASS");
    return bad != 0;
}
