/* Strict parsing of user-given numbers and backend options (options.c). */
#ifndef MICA_OPTIONS_H
#define MICA_OPTIONS_H
#include <stddef.h>

/* Decimal integer, optional leading '-', nothing else (no spaces, suffixes, exponents, hex).
 * 0, -1 when malformed, -2 when outside [min, max]. */
int mica_parse_int(const char *text, long long min, long long max, long long *out);
/* "RxC", each side 1..max. 0, -1 malformed, -2 out of range. */
int mica_parse_dims(const char *text, unsigned max, unsigned *rows, unsigned *cols);

/* A probability: "0.001", "1e-3", "0" .. "1" (digits, one optional '.', optional exponent; no
 * sign, hex, inf or nan). 0, -1 malformed, -2 above 1. */
int mica_parse_rate(const char *text, double *out);

#define MICA_OPT_VALUE_MAX 255 /* longest option value accepted */

typedef enum { MICA_OPT_INT, MICA_OPT_DIMS, MICA_OPT_PATH, MICA_OPT_RATE } mica_opt_kind_t;
typedef struct {
    const char *key;
    mica_opt_kind_t kind;
    long long min, max; /* INT: the range; DIMS: max is the largest side */
} mica_opt_spec_t;

/* Checks a "key=value,..." string against a table: every key known and given once, every value
 * well-formed and in range. who prefixes the one-line error ("rtl backend"). */
int mica_opts_validate(const char *who, const char *options, const mica_opt_spec_t *spec, int nspec,
                       char *err, size_t errlen);

/* Getters for options that mica_opts_validate accepted; absent keys give the default. */
long long mica_opt_int(const char *options, const char *key, long long dflt);
int mica_opt_array(const char *options, unsigned *rows, unsigned *cols);
double mica_opt_rate(const char *options, const char *key, double dflt);
int mica_opt_string(const char *options, const char *key, char *val, size_t n);

#endif
