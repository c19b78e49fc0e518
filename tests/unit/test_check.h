/* The unit tests' one assertion: CHECK(cond, printf-args) counts a check, and on failure counts it
 * and prints the file, line and message; a test ends with `return failures != 0`. */
#ifndef MICA_TEST_CHECK_H
#define MICA_TEST_CHECK_H
#include <stdio.h>

static int failures, checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

#endif
