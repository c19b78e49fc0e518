/* Backend option strings: "key=value,key=value". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"

/* Finds key in options; copies its value (up to the next comma) into val. */
static int find_opt(const char *options, const char *key, char *val, size_t n) {
    size_t klen = strlen(key);
    for (const char *p = options; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = len - klen - 1;
            if (vlen >= n) vlen = n - 1;
            memcpy(val, p + klen + 1, vlen);
            val[vlen] = 0;
            return 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

long mica_opt_long(const char *options, const char *key, long dflt) {
    char v[32], *end;
    if (!find_opt(options, key, v, sizeof v)) return dflt;
    long x = strtol(v, &end, 10);
    return (*end || end == v) ? -1 : x;
}

/* Leaves rows/cols untouched when the option is absent; -1 when malformed. */
int mica_opt_array(const char *options, unsigned *rows, unsigned *cols) {
    char v[32];
    unsigned r, c;
    char extra;
    if (!find_opt(options, "array", v, sizeof v)) return 0;
    if (sscanf(v, "%ux%u%c", &r, &c, &extra) != 2 || r == 0 || c == 0 || r > 256 || c > 256) return -1;
    *rows = r;
    *cols = c;
    return 0;
}

int mica_opt_string(const char *options, const char *key, char *val, size_t n) {
    return find_opt(options, key, val, n);
}
