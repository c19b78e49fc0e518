/* The core's libc-free pieces against glibc: mica_snprintf (include/mica_fmt.h) against snprintf
 * for every conversion, flag, width, precision and length the core uses, at every buffer size
 * from 0 up; mica_parse_int / mica_parse_rate (include/mica_options.h) against strtoll / strtod. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mica_fmt.h"
#include "mica_options.h"
#include "test_check.h"

/* Formats with both at every size 0..len+2; output and return value must match. */
#define SAME(...)                                                                                  \
    do {                                                                                           \
        char want[256], got[256];                                                                  \
        int wn = snprintf(want, sizeof want, __VA_ARGS__);                                         \
        for (size_t n = 0; n <= (size_t)wn + 2 && n < sizeof got; n++) {                           \
            memset(got, 'Z', sizeof got);                                                          \
            int gn = mica_snprintf(got, n, __VA_ARGS__);                                           \
            char cut[256];                                                                         \
            snprintf(cut, n ? n : 1, "%s", want);                                                  \
            CHECK(gn == wn && (n == 0 ? got[0] == 'Z' : !strcmp(got, cut)),                        \
                  "format %s size %zu: got '%s' (%d), want '%s' (%d)", #__VA_ARGS__, n,            \
                  n ? got : "", gn, cut, wn);                                                      \
        }                                                                                          \
    } while (0)

static void test_format(void) {
    const char *name = "conv_2d/\x01weights";
    SAME("plain text, no conversion");
    SAME("%s|%-7s|%7s|%.3s|%.*s|%s", name, "ab", "ab", name, 4, name, "");
    SAME("%d %d %d %i %5d %-5d| %05d %d", 0, -1, INT_MAX, INT_MIN, 42, -42, -42, 7);
    SAME("%u %u %x %X %08x %02x %x", 0u, UINT_MAX, 0xdeadbeefu, 0xdeadbeefu, 0x1fu, 7u, 0u);
    SAME("%lld %lld %llu %016llx %llx", LLONG_MIN, LLONG_MAX, ULLONG_MAX, 0x12345ull, 0ull);
    SAME("%ld %lu %zu %zu", -5l, 6ul, (size_t)0, SIZE_MAX);
    SAME("%c%c %% %5c|%-3c|", 'a', 'Z', 'q', 'r');
    SAME("step %u (%s): accelerator error %u (%s) at instruction %u", 3u, name, 7u, "absent", 99u);
    /* %g for messages: values whose 6-digit form libc and mica_snprintf agree on */
    SAME("%g %g %g %g %g %g|%g %g", 0.0, 0.37, 1e-30, 1.5e-05, 123456789.0, -2.5e10, 100000.0, 6.0);
    SAME("scale %g, zero point %lld", 2.9, 100000ll);
}

static void test_parse_int(void) {
    const char *ok[] = {"0",     "-0", "17", "-17", "9223372036854775807", "-9223372036854775808",
                        "000123"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        long long v = 1;
        int r = mica_parse_int(ok[i], LLONG_MIN, LLONG_MAX, &v);
        CHECK(r == 0 && v == strtoll(ok[i], NULL, 10), "parse_int(%s) = %d, %lld", ok[i], r, v);
    }
    const char *range[] = {"9223372036854775808", "-9223372036854775809", "99999999999999999999"};
    for (size_t i = 0; i < sizeof range / sizeof range[0]; i++) {
        long long v;
        CHECK(mica_parse_int(range[i], LLONG_MIN, LLONG_MAX, &v) == -2, "parse_int(%s) in range",
              range[i]);
    }
    const char *bad[] = {"", "-", "1x", " 1", "+1", "1.0", "--1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long long v;
        CHECK(mica_parse_int(bad[i], LLONG_MIN, LLONG_MAX, &v) == -1, "parse_int('%s') accepted",
              bad[i]);
    }
    long long v;
    CHECK(mica_parse_int("11", 1, 10, &v) == -2 && mica_parse_int("0", 1, 10, &v) == -2,
          "parse_int range bounds");
}

static void test_parse_rate(void) {
    const char *exact[] = {"0",    "1",     "1e-3",  "0.001",  "1E-3",  "2.5e-4",       ".5",
                           "1.",   "1e0",   "0.1",   "0.3",    "1e-22", "7e-9",         "0.000001",
                           "1e-5", "3e-06", "10e-1", "1.0000", "0e5",   "123456789e-10"};
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        double v = -1;
        int r = mica_parse_rate(exact[i], &v);
        CHECK(r == 0 && v == strtod(exact[i], NULL), "parse_rate(%s) = %d, %.17g want %.17g",
              exact[i], r, v, strtod(exact[i], NULL));
    }
    double v;
    CHECK(mica_parse_rate("1e-30", &v) == 0 && v > 0.99e-30 && v < 1.01e-30, "parse_rate(1e-30)");
    const char *over[] = {"1.5", "2", "1e1", "0.5e1"};
    for (size_t i = 0; i < sizeof over / sizeof over[0]; i++)
        CHECK(mica_parse_rate(over[i], &v) == -2, "parse_rate(%s) above 1 accepted", over[i]);
    const char *bad[] = {"", ".", "e3", "1e", "1e+", "-1", "abc", "1..2", "1e3x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(mica_parse_rate(bad[i], &v) == -1, "parse_rate('%s') accepted", bad[i]);
}

int main(void) {
    test_format();
    test_parse_int();
    test_parse_rate();
    printf("test_fmt: %s (%d checks, %d failed)\n", failures ? "FAIL" : "PASS", checks, failures);
    return failures != 0;
}
