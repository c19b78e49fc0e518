/* printf-style formatting without stdio, so the runtime core builds for firmware (no newlib stdio,
 * no malloc behind it). Supports what the core's messages use: %s %c %d %i %u %x %X %p %%, flags
 * '-' and '0', a width, a precision ('.N' or '.*', on strings: at most N bytes), and the length
 * modifiers l, ll and z. %g, %f and %e print a double like %g to 6 significant digits (for
 * messages; the last digit may differ from libc's). Always NUL-terminates (n >= 1); returns the
 * length the whole output would have had, as snprintf does. */
#ifndef MICA_FMT_H
#define MICA_FMT_H
#include <stdarg.h>
#include <stddef.h>

int mica_vsnprintf(char *out, size_t n, const char *fmt, va_list ap);
int mica_snprintf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
