/* Minimal .npy (NumPy format 1.0/2.0) reader and writer for int8/uint8/int32/int64/float32. */
#ifndef MICA_NPY_H
#define MICA_NPY_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char dtype; /* 'b' int8, 'B' uint8, 'h' int16, 'i' int32, 'l' int64, 'f' float32 */
    int rank;
    int64_t dims[8];
    size_t count, itemsize;
    void *data;
} npy_array_t;

int npy_read(const char *path, npy_array_t *a, char *err, size_t errlen);
int npy_write(const char *path, char dtype, int rank, const int64_t *dims, const void *data);
void npy_free(npy_array_t *a);
const char *npy_dtype_name(char dtype); /* "int8", "uint8", ... */

#endif
