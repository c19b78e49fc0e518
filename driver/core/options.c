/* One strict parser for every number and option Mica reads from a user: command-line flags and
 * backend spec strings ("key=value,key=value"). Nothing is read silently: a number has only
 * digits and lies in its documented range, a key is known, a key appears once. */
#include "mica_fmt.h"
#include <string.h>
#include "mica_options.h"
#include "mica_escape.h"

int mica_parse_int(const char *text, long long min, long long max, long long *out) {
    if (!text || !*text)
        return -1;
    const char *p = text;
    int neg = *p == '-';
    if (neg)
        p++;
    if (!*p)
        return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    /* Magnitudes up to 2^63 (LLONG_MIN's); anything longer is out of every range. */
    unsigned long long mag = 0, limit = 1ull << 63;
    for (; *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (mag > (limit - d) / 10)
            return -2;
        mag = mag * 10 + d;
    }
    if (!neg && mag == limit)
        return -2;
    long long v = neg ? (long long)(0ull - mag) : (long long)mag;
    if (v < min || v > max)
        return -2;
    *out = v;
    return 0;
}

int mica_parse_dims(const char *text, unsigned max, unsigned *rows, unsigned *cols) {
    const char *x = text ? strchr(text, 'x') : NULL;
    if (!x || x == text || strchr(x + 1, 'x'))
        return -1;
    char r[MICA_OPT_VALUE_MAX + 1];
    size_t n = (size_t)(x - text);
    if (n >= sizeof r)
        return -2;
    memcpy(r, text, n);
    r[n] = 0;
    long long a, b;
    int e1 = mica_parse_int(r, 0, 1ll << 40, &a), e2 = mica_parse_int(x + 1, 0, 1ll << 40, &b);
    if (e1 == -1 || e2 == -1 || r[0] == '-' || x[1] == '-')
        return -1;
    if (e1 || e2 || a < 1 || b < 1 || a > max || b > max)
        return -2;
    *rows = (unsigned)a;
    *cols = (unsigned)b;
    return 0;
}

/* Decimal text (checked by the caller) as a double without libc: up to 19 significant digits and
 * a power of ten within 10^+-22 are exact in double, so one multiply or divide rounds once, as
 * strtod does. Smaller rates divide twice (a last-bit difference no rate can notice); more
 * significant digits are refused. */
static int decimal_value(const char *p, double *out) {
    unsigned long long mant = 0;
    int sig = 0, exp10 = 0, after_dot = 0;
    for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
        if (*p == '.') {
            after_dot = 1;
            continue;
        }
        if (mant == 0 && *p == '0') {
            exp10 -= after_dot;
            continue;
        }
        if (++sig > 19)
            return -1;
        mant = mant * 10 + (unsigned)(*p - '0');
        exp10 -= after_dot;
    }
    if (*p == 'e' || *p == 'E') {
        int neg = *++p == '-', e = 0;
        if (*p == '-' || *p == '+')
            p++;
        for (; *p >= '0' && *p <= '9' && e < 1000; p++)
            e = e * 10 + (*p - '0');
        exp10 += neg ? -e : e;
    }
    double v = (double)mant;
    if (mant && exp10 > 0)
        return -2; /* above 1 whatever the digits: a rate is at most 1 */
    for (int step; mant && exp10 < 0; exp10 += step) {
        step = exp10 < -22 ? 22 : -exp10;
        double pow10 = 1.0;
        for (int i = 0; i < step; i++)
            pow10 *= 10.0;
        v /= pow10;
    }
    *out = v;
    return 0;
}

int mica_parse_rate(const char *text, double *out) {
    const char *p = text;
    int digits = 0, dots = 0;
    for (; (*p >= '0' && *p <= '9') || *p == '.'; p++)
        *p == '.' ? dots++ : digits++;
    if (!digits || dots > 1)
        return -1;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p || p - text > 32)
        return -1;
    double v;
    int r = decimal_value(text, &v);
    if (r == -2 || (r == 0 && !(v <= 1.0)))
        return -2;
    if (r)
        return -1;
    *out = v;
    return 0;
}

/* Describes what an option accepts, for error messages. */
static void describe(const mica_opt_spec_t *s, char *buf, size_t n) {
    if (s->kind == MICA_OPT_INT)
        mica_snprintf(buf, n, "an integer in %lld..%lld", s->min, s->max);
    else if (s->kind == MICA_OPT_DIMS)
        mica_snprintf(buf, n, "RxC with each side 1..%lld", s->max);
    else if (s->kind == MICA_OPT_RATE)
        mica_snprintf(buf, n, "a rate in 0..1 such as 1e-3");
    else
        mica_snprintf(buf, n, "a non-empty path");
}

static const mica_opt_spec_t *lookup(const mica_opt_spec_t *spec, int nspec, const char *key,
                                     size_t klen) {
    for (int i = 0; i < nspec; i++)
        if (strlen(spec[i].key) == klen && !strncmp(spec[i].key, key, klen))
            return &spec[i];
    return NULL;
}

static void known_keys(const mica_opt_spec_t *spec, int nspec, char *buf, size_t n) {
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < nspec && len < n; i++)
        len += (size_t)mica_snprintf(buf + len, n - len, "%s%s", i ? ", " : "", spec[i].key);
}

static int check_value(const char *who, const mica_opt_spec_t *s, const char *v, char *err,
                       size_t errlen) {
    char want[96];
    long long x;
    unsigned r, c;
    double rate;
    int bad = s->kind == MICA_OPT_INT    ? mica_parse_int(v, s->min, s->max, &x) != 0
              : s->kind == MICA_OPT_DIMS ? mica_parse_dims(v, (unsigned)s->max, &r, &c) != 0
              : s->kind == MICA_OPT_RATE ? mica_parse_rate(v, &rate) != 0
                                         : *v == 0;
    if (!bad)
        return 0;
    describe(s, want, sizeof want);
    char shown[64];
    mica_snprintf(err, errlen, "%s: option %s=%s is not %s", who, s->key,
                  mica_escape_name(v, shown, sizeof shown), want);
    return -1;
}

int mica_opts_validate(const char *who, const char *options, const mica_opt_spec_t *spec, int nspec,
                       char *err, size_t errlen) {
    char seen[32] = {0}, item[MICA_OPT_VALUE_MAX + 1];
    for (const char *p = options; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (!eq) {
            char item_text[64], shown[64];
            mica_snprintf(item_text, sizeof item_text, "%.*s",
                          (int)(len < sizeof item_text ? len : sizeof item_text - 1), p);
            mica_snprintf(err, errlen, "%s: option '%s' is not key=value", who,
                          mica_escape_name(item_text, shown, sizeof shown));
            return -1;
        }
        const mica_opt_spec_t *s = lookup(spec, nspec, p, (size_t)(eq - p));
        if (!s) {
            char keys[200];
            known_keys(spec, nspec, keys, sizeof keys);
            char key[64], shown[64];
            size_t klen = (size_t)(eq - p);
            mica_snprintf(key, sizeof key, "%.*s", (int)(klen < sizeof key ? klen : sizeof key - 1),
                          p);
            mica_snprintf(err, errlen, "%s: unknown option '%s' (known: %s)", who,
                          mica_escape_name(key, shown, sizeof shown), keys);
            return -1;
        }
        int idx = (int)(s - spec);
        if (idx < (int)sizeof seen && seen[idx]++) {
            mica_snprintf(err, errlen, "%s: option %s given twice", who, s->key);
            return -1;
        }
        size_t vlen = len - (size_t)(eq + 1 - p);
        if (vlen >= sizeof item) {
            mica_snprintf(err, errlen, "%s: option %s is longer than %zu characters", who, s->key,
                          sizeof item - 1);
            return -1;
        }
        memcpy(item, eq + 1, vlen);
        item[vlen] = 0;
        if (check_value(who, s, item, err, errlen))
            return -1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/* Finds key in options; copies its value (up to the next comma) into val. */
static int find_opt(const char *options, const char *key, char *val, size_t n) {
    size_t klen = strlen(key);
    for (const char *p = options; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = len - klen - 1;
            if (vlen >= n)
                vlen = n - 1;
            memcpy(val, p + klen + 1, vlen);
            val[vlen] = 0;
            return 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/* Values up to MICA_OPT_VALUE_MAX characters, as mica_opts_validate accepts. */
long long mica_opt_int(const char *options, const char *key, long long dflt) {
    char v[MICA_OPT_VALUE_MAX + 1];
    long long x;
    if (!find_opt(options, key, v, sizeof v))
        return dflt;
    return mica_parse_int(v, -(1ll << 62), 1ll << 62, &x) ? dflt : x;
}

double mica_opt_rate(const char *options, const char *key, double dflt) {
    char v[MICA_OPT_VALUE_MAX + 1];
    double x;
    if (!find_opt(options, key, v, sizeof v))
        return dflt;
    return mica_parse_rate(v, &x) ? dflt : x;
}

int mica_opt_array(const char *options, unsigned *rows, unsigned *cols) {
    char v[MICA_OPT_VALUE_MAX + 1];
    if (!find_opt(options, "array", v, sizeof v))
        return 0;
    return mica_parse_dims(v, 256, rows, cols) ? -1 : 0;
}

int mica_opt_string(const char *options, const char *key, char *val, size_t n) {
    return find_opt(options, key, val, n);
}
