/* A strict JSON reader for small user files read at run time (RFC 8259 syntax, no trailing commas
 * or comments; nesting depth 16, keys 63 bytes). Every rejection is one line "WHAT: reason" in
 * err. Functions return 0, or -1 with err set. */
#ifndef MICA_JSON_READ_H
#define MICA_JSON_READ_H
#include <stddef.h>
#include <stdio.h>

typedef struct {
    const char *start, *p, *end, *what;
    char *err;
    size_t errlen;
    int depth;
} jr_t;

int jr_fail(jr_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void jr_skip_ws(jr_t *r);
int jr_expect(jr_t *r, char c);
/* A string into out (escapes kept verbatim except \" and \\), or skipped when out is NULL. */
int jr_string(jr_t *r, char *out, size_t n);
int jr_number(jr_t *r, double *v);
/* Walks an object, calling on_key for each member (NULL: skip values). */
typedef int (*jr_member_fn)(jr_t *r, const char *key, void *ctx);
int jr_object(jr_t *r, jr_member_fn on_key, void *ctx);
int jr_skip(jr_t *r);
/* The other direction, for the reports: S as a JSON string (quotes, escapes) on F. */
void jr_write_string(FILE *f, const char *s);
/* The file's first max_bytes + 1 bytes (the parser refuses more than max_bytes) in a malloc'd
 * buffer, or NULL with a one-line err. */
char *jr_read_file(const char *path, size_t max_bytes, size_t *len, char *err, size_t errlen);

#endif
