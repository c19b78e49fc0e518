#include "mica_fmt.h"
#include <string.h>
#include "mica_escape.h"

/* One byte as printed: itself, or \xNN. */
static size_t escape_byte(unsigned char c, char piece[8]) {
    if (c >= 0x20 && c < 0x7f) {
        piece[0] = (char)c;
        return 1;
    }
    return (size_t)mica_snprintf(piece, 8, "\\x%02x", c);
}

char *mica_escape_name(const char *in, char *out, size_t n) {
    if (n == 0)
        return out;
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    char piece[8];
    size_t total = 0, o = 0;
    for (const unsigned char *p = s; *p; p++)
        total += escape_byte(*p, piece);
    size_t room = total < n ? n - 1 : (n > 4 ? n - 4 : 0); /* keep 3 for "..." when cut */
    for (const unsigned char *p = s; *p; p++) {
        size_t len = escape_byte(*p, piece);
        if (o + len > room)
            break;
        memcpy(out + o, piece, len);
        o += len;
    }
    if (total >= n) {
        size_t dots = n - 1 - o < 3 ? n - 1 - o : 3;
        memcpy(out + o, "...", dots);
        o += dots;
    }
    out[o] = 0;
    return out;
}

void mica_format_escaped(char *out, size_t n, const char *fmt, va_list ap) {
    char raw[1024];
    size_t cap = n < sizeof raw ? n : sizeof raw;
    if (n == 0)
        return;
    int len = mica_vsnprintf(raw, cap, fmt, ap);
    if (len >= (int)cap && cap >= 4)
        memcpy(raw + cap - 4, "...", 4);
    mica_escape_name(raw, out, n);
}
