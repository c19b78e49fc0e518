/* libFuzzer target: the .npy reader of the mica command (driver/cli/npy.c, npy_read), unchanged.
 * npy_read opens a path and accepts only regular files, so each input is written into one
 * in-memory file (memfd) that is read through /proc/self/fd/N: no disk, no file creation per run.
 * On success the array must agree with its header (rank, dims, count, a known dtype) and every
 * data byte be readable; on failure the message is one line and nothing is left allocated. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz_common.h"
#include "npy.h"
#define require(cond, what) fuzz_require("fuzz_npy", cond, what, "")

static int memfd = -1;
static char path[64];

static void check_array(const npy_array_t *a) {
    require(a->dtype != 0 && strchr("bBil", a->dtype) != NULL, "dtype is one of int8/uint8/int32/int64");
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
    if (memfd < 0) {
        memfd = memfd_create("mica_fuzz_npy", 0);
        require(memfd >= 0, "memfd_create");
        snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    }
    require(ftruncate(memfd, 0) == 0 && pwrite(memfd, data, size, 0) == (ssize_t)size, "input written");
    npy_array_t a;
    char err[256] = "";
    if (npy_read(path, &a, err, sizeof err) == 0) {
        check_array(&a);
        npy_free(&a);
    } else {
        fuzz_require_message("fuzz_npy", err);
        require(a.data == NULL, "nothing left allocated on failure");
    }
    return 0;
}
