/* Model-controlled strings (tensor names, custom op codes) made safe to print. */
#ifndef MICA_ESCAPE_H
#define MICA_ESCAPE_H
#include <stdarg.h>
#include <stddef.h>

/* Copies in into out[0..n) with every byte outside printable ASCII written
 * as \xNN (idempotent: escaping twice changes nothing); when it does not fit, the copy ends in "...". Always NUL-terminated (n >= 1).
 * Returns out, so it can be passed to printf directly. */
char *mica_escape_name(const char *in, char *out, size_t n);

/* One error line from printf arguments that carry file-controlled names: formatted, marked "..."
 * when longer than out (at most 1024 bytes are kept), then escaped as above. */
void mica_format_escaped(char *out, size_t n, const char *fmt, va_list ap);

#endif
