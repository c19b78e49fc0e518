/* libFuzzer target: the .npy reader of the mica command (driver/cli/npy.c, npy_read).
 * npy_read takes a path; to fuzz it unchanged at memory speed, the build links it with
 * -Wl,--wrap=fopen and the wrapper below serves the input from memory (fmemopen) for the one
 * fuzzer path, the real fopen otherwise. On success the array must be consistent with its header (rank,
 * dims, count, a known dtype) and every data byte readable; on failure the message is one
 * non-empty line and nothing is left allocated. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"
#define require(cond, what) fuzz_require("fuzz_npy", cond, what, "")
#include "cli/npy.h"

static const char fuzz_path[] = "<fuzz input>";
static const uint8_t *input;
static size_t input_size;

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode) {
    if (strcmp(path, fuzz_path) != 0) return __real_fopen(path, mode);
    if (input_size == 0) return __real_fopen("/dev/null", mode);   /* fmemopen refuses size 0 */
    return fmemopen((void *)input, input_size, mode);
}

static void check_array(const npy_array_t *a) {
    require(strchr("bBil", a->dtype) != NULL && a->dtype != 0, "dtype is one of int8/uint8/int32/int64");
    size_t want_item = a->dtype == 'b' || a->dtype == 'B' ? 1 : a->dtype == 'i' ? 4 : 8;
    require(a->itemsize == want_item, "itemsize matches dtype");
    require(a->rank >= 0 && a->rank <= 8, "rank 0..8");
    size_t count = 1;
    for (int i = 0; i < a->rank; i++) {
        require(a->dims[i] >= 0, "non-negative dims");
        count *= (size_t)a->dims[i];
    }
    require(count == a->count, "count is the product of dims");
    require(a->data != NULL, "data allocated");
    volatile uint8_t acc = 0; /* touch every byte so ASan checks the allocation size */
    for (size_t i = 0; i < a->count * a->itemsize; i++) acc ^= ((const uint8_t *)a->data)[i];
    (void)acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    input = data;
    input_size = size;
    npy_array_t a;
    char err[256] = "";
    if (npy_read(fuzz_path, &a, err, sizeof err) == 0) {
        check_array(&a);
        npy_free(&a);
    } else {
        fuzz_require_message("fuzz_npy", err);
        require(a.data == NULL, "nothing left allocated on failure");
    }
    return 0;
}
