/* Freestanding printf subset (include/mica_fmt.h). */
#include <stdint.h>
#include "mica_fmt.h"

typedef struct {
    char *out;
    size_t cap, len; /* len counts every byte, also those past cap */
} sink_t;

static void put(sink_t *s, char c) {
    if (s->len + 1 < s->cap)
        s->out[s->len] = c;
    s->len++;
}

static void pad(sink_t *s, char c, int count) {
    for (; count > 0; count--)
        put(s, c);
}

typedef struct {
    int left, zero, width, prec; /* prec < 0: none */
} spec_t;

static void put_text(sink_t *s, const spec_t *sp, const char *text, size_t len) {
    if (!sp->left)
        pad(s, ' ', sp->width - (int)len);
    for (size_t i = 0; i < len; i++)
        put(s, text[i]);
    if (sp->left)
        pad(s, ' ', sp->width - (int)len);
}

static void put_string(sink_t *s, const spec_t *sp, const char *str) {
    if (!str)
        str = "(null)";
    size_t len = 0;
    while (str[len] && (sp->prec < 0 || len < (size_t)sp->prec))
        len++;
    put_text(s, sp, str, len);
}

static void put_number(sink_t *s, const spec_t *sp, unsigned long long v, int neg, unsigned base,
                       int upper) {
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = 0;
    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v);
    int body = n + neg;
    if (sp->zero && !sp->left) {
        if (neg)
            put(s, '-');
        pad(s, '0', sp->width - body);
    } else {
        if (!sp->left)
            pad(s, ' ', sp->width - body);
        if (neg)
            put(s, '-');
    }
    while (n)
        put(s, buf[--n]);
    if (sp->left)
        pad(s, ' ', sp->width - body);
}

/* A double as %g would show it, to 6 significant digits (the last may differ from libc's: this
 * is for messages, not data), so a float argument is consumed and shown, never misread. */
static void put_double(sink_t *s, const spec_t *sp, double x) {
    char buf[40];
    int n = 0, e = 0;
    if (x != x) {
        put_text(s, sp, "nan", 3);
        return;
    }
    if (x < 0)
        buf[n++] = '-', x = -x;
    if (x > 1.7976931348623157e308) {
        buf[n++] = 'i', buf[n++] = 'n', buf[n++] = 'f';
        put_text(s, sp, buf, (size_t)n);
        return;
    }
    for (; x != 0 && x >= 10; e++)
        x /= 10;
    for (; x != 0 && x < 1; e--)
        x *= 10;
    unsigned long long m = (unsigned long long)(x * 100000 + 0.5); /* d.ddddd as 6 digits */
    if (m >= 1000000)
        m /= 10, e++;
    int fixed = e >= -4 && e < 6, point = fixed ? (e >= 0 ? e + 1 : 0) : 1;
    char dig[6];
    for (int i = 5; i >= 0; i--, m /= 10)
        dig[i] = (char)('0' + m % 10);
    int last = 5; /* trailing zeros after the point go, as %g drops them */
    while (last > 0 && last >= point && dig[last] == '0')
        last--;
    if (fixed && e < 0) {
        buf[n++] = '0', buf[n++] = '.';
        for (int i = e + 1; i < 0; i++)
            buf[n++] = '0';
    }
    for (int i = 0; i <= last || i < point; i++) {
        if (i == point && (!fixed || e >= 0))
            buf[n++] = '.';
        buf[n++] = i < 6 ? dig[i] : '0';
    }
    if (!fixed) {
        int a = e < 0 ? -e : e;
        buf[n++] = 'e', buf[n++] = e < 0 ? '-' : '+';
        if (a >= 100)
            buf[n++] = (char)('0' + a / 100);
        buf[n++] = (char)('0' + a / 10 % 10), buf[n++] = (char)('0' + a % 10);
    }
    put_text(s, sp, buf, (size_t)n);
}

/* Reads flags, width and precision at *f; returns the first byte after them. */
static const char *parse_spec(const char *f, spec_t *sp, va_list *ap) {
    sp->left = sp->zero = sp->width = 0;
    sp->prec = -1;
    for (;; f++) {
        if (*f == '-')
            sp->left = 1;
        else if (*f == '0')
            sp->zero = 1;
        else
            break;
    }
    for (; *f >= '0' && *f <= '9'; f++)
        sp->width = sp->width * 10 + (*f - '0');
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        }
        for (; *f >= '0' && *f <= '9'; f++)
            sp->prec = sp->prec * 10 + (*f - '0');
    }
    return f;
}

/* One conversion with its length modifier at f (after the spec); returns the byte after it. */
static const char *convert(sink_t *s, const char *f, const spec_t *sp, va_list *ap) {
    int lng = 0, size = 0;
    for (; *f == 'l'; f++)
        lng++;
    if (*f == 'z') {
        size = 1;
        f++;
    }
    char c = *f;
    if (c == 'd' || c == 'i') {
        long long v = lng >= 2 ? va_arg(*ap, long long)
                      : lng    ? va_arg(*ap, long)
                      : size   ? (long long)va_arg(*ap, long)
                               : va_arg(*ap, int);
        unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
        put_number(s, sp, mag, v < 0, 10, 0);
    } else if (c == 'u' || c == 'x' || c == 'X') {
        unsigned long long v = lng >= 2 ? va_arg(*ap, unsigned long long)
                               : lng    ? va_arg(*ap, unsigned long)
                               : size   ? va_arg(*ap, size_t)
                                        : va_arg(*ap, unsigned);
        put_number(s, sp, v, 0, c == 'u' ? 10 : 16, c == 'X');
    } else if (c == 'p') {
        put_number(s, sp, (uintptr_t)va_arg(*ap, void *), 0, 16, 0);
    } else if (c == 's') {
        put_string(s, sp, va_arg(*ap, const char *));
    } else if (c == 'c') {
        char ch = (char)va_arg(*ap, int);
        put_text(s, sp, &ch, 1);
    } else if (c == 'g' || c == 'f' || c == 'e' || c == 'G' || c == 'E') {
        put_double(s, sp, va_arg(*ap, double));
    } else if (c == '%') {
        put(s, '%');
    } else {
        put(s, '%'); /* an unknown conversion is shown, not guessed at */
        if (!c)
            return f;
        put(s, c);
    }
    return f + 1;
}

int mica_vsnprintf(char *out, size_t n, const char *fmt, va_list ap) {
    sink_t s = {out, n, 0};
    va_list args;
    va_copy(args, ap);
    for (const char *f = fmt; *f;) {
        if (*f != '%') {
            put(&s, *f++);
            continue;
        }
        spec_t sp;
        f = parse_spec(f + 1, &sp, &args);
        f = convert(&s, f, &sp, &args);
    }
    va_end(args);
    if (n)
        out[s.len < n ? s.len : n - 1] = 0;
    return (int)s.len;
}

int mica_snprintf(char *out, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int len = mica_vsnprintf(out, n, fmt, ap);
    va_end(ap);
    return len;
}
