/* The strict, bounded JSON reader the compiler's JSON inputs share (board descriptions,
 * energy technology tables): see json_read.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_read.h"

static int jr_skip_array(jr_t *r);

int jr_fail(jr_t *r, const char *fmt, ...) {
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->err && r->errlen)
        snprintf(r->err, r->errlen, "%.*s: %s", 200, r->what, msg);
    return -1;
}

void jr_skip_ws(jr_t *r) {
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

int jr_expect(jr_t *r, char c) {
    jr_skip_ws(r);
    if (r->p >= r->end || *r->p != c)
        return jr_fail(r, "expected '%c' at byte %ld", c, (long)(r->p - r->start));
    r->p++;
    return 0;
}

/* A string into out (escapes kept verbatim except \" and \\; names need nothing more), or
 * skipped when out is NULL (documentation strings of any length). */
int jr_string(jr_t *r, char *out, size_t n) {
    size_t k = 0;
    if (jr_expect(r, '"'))
        return -1;
    while (r->p < r->end && *r->p != '"') {
        unsigned char c = (unsigned char)*r->p++;
        if (c < 0x20)
            return jr_fail(r, "control character 0x%02x inside a string", c);
        if (c == '\\') {
            if (r->p >= r->end || !strchr("\"\\/bfnrtu", *r->p))
                return jr_fail(r, "bad escape in a string");
            c = (unsigned char)*r->p++;
        }
        if (!out)
            continue;
        if (k + 1 >= n)
            return jr_fail(r, "string longer than %zu bytes", n - 1);
        out[k++] = (char)c;
    }
    if (r->p >= r->end)
        return jr_fail(r, "unterminated string");
    r->p++;
    if (out)
        out[k] = 0;
    return 0;
}

int jr_number(jr_t *r, double *v) {
    jr_skip_ws(r);
    const char *s = r->p;
    if (s < r->end && *s == '-')
        s++;
    while (s < r->end && strchr("0123456789.eE+-", *s))
        s++;
    char buf[40];
    size_t n = (size_t)(s - r->p);
    if (n == 0 || n >= sizeof buf)
        return jr_fail(r, "expected a value");
    memcpy(buf, r->p, n);
    buf[n] = 0;
    char *e;
    errno = 0;
    *v = strtod(buf, &e);
    if (*e || errno || (buf[0] == '0' && n > 1 && buf[1] >= '0' && buf[1] <= '9'))
        return jr_fail(r, "bad number '%s'", buf);
    r->p = s;
    return 0;
}

int jr_object(jr_t *r, jr_member_fn on_key, void *ctx) {
    char key[64];
    if (jr_expect(r, '{'))
        return -1;
    if (++r->depth > 16)
        return jr_fail(r, "nested deeper than 16");
    jr_skip_ws(r);
    if (r->p < r->end && *r->p == '}')
        return r->p++, r->depth--, 0;
    for (;;) {
        jr_skip_ws(r);
        if (jr_string(r, key, sizeof key) || jr_expect(r, ':'))
            return -1;
        if (on_key ? on_key(r, key, ctx) : jr_skip(r))
            return -1;
        jr_skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        r->depth--;
        return jr_expect(r, '}');
    }
}

static int jr_skip_array(jr_t *r) {
    if (jr_expect(r, '['))
        return -1;
    if (++r->depth > 16)
        return jr_fail(r, "nested deeper than 16");
    jr_skip_ws(r);
    if (r->p < r->end && *r->p == ']')
        return r->p++, r->depth--, 0;
    for (;;) {
        if (jr_skip(r))
            return -1;
        jr_skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        r->depth--;
        return jr_expect(r, ']');
    }
}

int jr_skip(jr_t *r) {
    double d;
    jr_skip_ws(r);
    if (r->p >= r->end)
        return jr_fail(r, "unexpected end of file");
    switch (*r->p) {
    case '{':
        return jr_object(r, NULL, NULL);
    case '[':
        return jr_skip_array(r);
    case '"':
        return jr_string(r, NULL, 0);
    default:
        for (const char *lit = "true\0false\0null\0"; *lit; lit += strlen(lit) + 1)
            if ((size_t)(r->end - r->p) >= strlen(lit) && !strncmp(r->p, lit, strlen(lit)))
                return r->p += strlen(lit), 0;
        return jr_number(r, &d);
    }
}

char *jr_read_file(const char *path, size_t max_bytes, size_t *len, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%.*s: cannot open: %s", 300, path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(max_bytes + 1);
    size_t n = buf ? fread(buf, 1, max_bytes + 1, f) : 0;
    int bad = buf && ferror(f);
    fclose(f);
    if (!buf || bad) {
        snprintf(err, errlen, "%.*s: %s", 300, path, !buf ? "out of memory" : "read error");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

void jr_write_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}
