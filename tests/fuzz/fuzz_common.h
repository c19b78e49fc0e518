/* Shared checks of the libFuzzer targets in tests/fuzz. */
#ifndef MICA_FUZZ_COMMON_H
#define MICA_FUZZ_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fuzz_require(const char *target, int cond, const char *what, const char *detail) {
    if (!cond) {
        fprintf(stderr, "%s: invariant violated: %s (%.200s)\n", target, what, detail);
        abort();
    }
}

/* A refusal message is one non-empty line without raw control characters (user-given names are
 * escaped). MICA_FUZZ_RAW_NAMES_OK=1 relaxes the control-character part, for measuring other
 * findings while a raw-name bug is open; it never relaxes "non-empty". */
static void fuzz_require_message(const char *target, const char *msg) {
    fuzz_require(target, msg[0] != 0, "refusal without a message", "");
    static int lax = -1;
    if (lax < 0) lax = getenv("MICA_FUZZ_RAW_NAMES_OK") != NULL && strcmp(getenv("MICA_FUZZ_RAW_NAMES_OK"), "1") == 0;
    if (lax) return;
    for (const char *p = msg; *p; p++)
        fuzz_require(target, (unsigned char)*p >= 0x20 && *p != 0x7f, "control character in a message (unescaped name?)", msg);
}

#endif
