/* Reader for the committed LiteRT vectors (tests/vectors/NAME.vec, format in tests/vectors/README.md):
 * a header naming each input and output tensor (dtype, shape), then per sample every input's bytes
 * followed by every output's. Used by check_vectors.c and embed_core.c. */
#ifndef MICA_VECFILE_H
#define MICA_VECFILE_H
#include <stddef.h>
#include <stdint.h>
#include "mica.h"

#define VEC_MAX_TENSORS 16
#define VEC_MAX_RANK 6

typedef struct {
    uint32_t dtype, rank;
    int32_t dims[VEC_MAX_RANK];
    size_t bytes; /* one sample's bytes */
} vec_tensor_t;

typedef struct {
    uint8_t *data; /* the whole file */
    uint32_t samples, ninputs, noutputs;
    vec_tensor_t tensors[2 * VEC_MAX_TENSORS]; /* inputs, then outputs */
    size_t sample_bytes;                       /* inputs + outputs of one sample */
    size_t body;                               /* offset of sample 0 */
} vec_file_t;

/* 0, or -1 with a one-line reason in err (file name, field, value). */
int vec_read(const char *path, vec_file_t *v, char *err, size_t errlen);
void vec_free(vec_file_t *v);
const vec_tensor_t *vec_tensor(const vec_file_t *v, int output, uint32_t index);
const uint8_t *vec_data(const vec_file_t *v, uint32_t sample, int output, uint32_t index);
/* Checks a loaded program's inputs and outputs against the file: counts, dtypes, bytes.
 * 0, or -1 with the first difference in err. */
int vec_match_program(const vec_file_t *v, const mica_ctx_t *ctx, char *err, size_t errlen);

#endif
