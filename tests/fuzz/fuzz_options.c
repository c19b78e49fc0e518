/* libFuzzer target: the strict option parser (driver/core/options.c) and the backend spec check
 * (mica_check_backend). The first input byte picks the function, the rest is the text:
 *   0: mica_parse_int with a range from the next 16 bytes, against an independent reference
 *   1: mica_parse_dims with a max from the next 2 bytes, against the same reference
 *   2: mica_check_backend; when it accepts, every getter the backends use must return the
 *      default or a value inside the option's documented range (validate and getters agree). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"
#define require(cond, what, text) fuzz_require("fuzz_options", cond, what, text)
#include "mica_backend.h"
#include "mica.h"
#include "mica_options.h"

/* Reference decimal parser: -1 malformed, -2 out of [min, max] (or beyond int64), 0 with *out. */
static int ref_parse_int(const char *t, long long min, long long max, long long *out) {
    const char *p = t + (*t == '-');
    if (!*p) return -1;
    __int128 v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        if (v <= ((__int128)1 << 64)) v = v * 10 + (*p - '0');
    }
    if (*t == '-') v = -v;
    if (v < INT64_MIN || v > INT64_MAX || v < min || v > max) return -2;
    *out = (long long)v;
    return 0;
}

static void check_parse_int(const char *text, const uint8_t *range) {
    long long min, max, got = 0x5a5a, want = 0;
    memcpy(&min, range, 8);
    memcpy(&max, range + 8, 8);
    if (range[0] & 1) { min = (int8_t)range[1]; max = min + range[2]; }   /* small ranges too */
    int rc = mica_parse_int(text, min, max, &got), ref = ref_parse_int(text, min, max, &want);
    require(rc == ref, "mica_parse_int result differs from the reference", text);
    require(rc != 0 || got == want, "mica_parse_int value differs from the reference", text);
}

static void check_parse_dims(const char *text, unsigned max) {
    unsigned r = 0, c = 0;
    int rc = mica_parse_dims(text, max, &r, &c);
    const char *x = strchr(text, 'x');
    long long a = 0, b = 0;
    int ok = 0;
    if (x && x != text && x[1] != '-' && text[0] != '-') {
        char left[512];
        size_t n = (size_t)(x - text) < sizeof left - 1 ? (size_t)(x - text) : sizeof left - 1;
        memcpy(left, text, n);
        left[n] = 0;
        ok = ref_parse_int(left, 1, max, &a) == 0 && ref_parse_int(x + 1, 1, max, &b) == 0;
    }
    /* Sides longer than a number needs (leading zeros) may be refused; nothing else may differ. */
    require(rc != 0 || ok, "mica_parse_dims accepts what the reference refuses", text);
    require(rc == 0 || !ok || strlen(text) >= 24, "mica_parse_dims refuses what the reference accepts", text);
    require(rc != 0 || (r == a && c == b), "mica_parse_dims value differs from the reference", text);
}

/* The options every backend accepts (runtime.c's table is private; keep this in step with it). */
static const mica_opt_spec_t runtime_opts[] = {{"max_cycles", MICA_OPT_INT, 1, 1000000000000ll}};

static void check_getters(const char *options, const mica_opt_spec_t *spec, int n, const char *text) {
    for (int i = 0; i < n; i++) {
        if (spec[i].kind == MICA_OPT_INT) {
            const long long absent = -(1ll << 62) + 7;
            long long v = mica_opt_int(options, spec[i].key, absent);
            require(v == absent || (v >= spec[i].min && v <= spec[i].max), "accepted option read out of range", text);
        } else if (spec[i].kind == MICA_OPT_DIMS) {
            unsigned r = 0, c = 0;
            require(mica_opt_array(options, &r, &c) == 0, "accepted array= not readable", text);
            require((r == 0 && c == 0) || (r >= 1 && c >= 1 && r <= spec[i].max && c <= spec[i].max),
                    "accepted array= read out of range", text);
        } else {
            char path[256];
            if (mica_opt_string(options, spec[i].key, path, sizeof path)) require(path[0] != 0, "accepted empty path", text);
        }
    }
}

static void check_backend(const char *text) {
    char err[256] = "";
    mica_status_t s = mica_check_backend(text, err, sizeof err);
    require(s == MICA_OK || s == MICA_E_BACKEND, "status is OK or E_BACKEND", text);
    if (s != MICA_OK) {
        fuzz_require_message("fuzz_options", err);
        return;
    }
    const char *colon = strchr(text, ':');
    const char *options = colon ? colon + 1 : "";
    const mica_backend_desc_t *be = !strncmp(text, "rtl", 3) ? &mica_backend_rtl : &mica_backend_func;
    check_getters(options, runtime_opts, 1, text);
    check_getters(options, be->options, be->noptions, text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int mode = data[0] % 3;
    size_t skip = mode == 0 ? 17 : mode == 1 ? 3 : 1;
    if (size < skip) return 0;
    char *text = malloc(size - skip + 1);   /* exact size: ASan sees any read past the NUL */
    if (!text) return 0;
    memcpy(text, data + skip, size - skip);
    text[size - skip] = 0;
    if (mode == 0) check_parse_int(text, data + 1);
    else if (mode == 1) check_parse_dims(text, 1u + (data[1] | (unsigned)data[2] << 8) % 1024u);
    else check_backend(text);
    free(text);
    return 0;
}
