/* Internal decoder state shared by the reader's translation units. */
#ifndef MICA_TFLITE_INTERNAL_H
#define MICA_TFLITE_INTERNAL_H

#include "fb.h"
#include "tflite_reader.h"

/* Sanity limits: far above any edge model, far below anything that could
 * overflow an int or exhaust memory. */
#define TFL_LIM_SUBGRAPHS (1u << 16)
#define TFL_LIM_TENSORS (1u << 20)
#define TFL_LIM_OPS (1u << 20)
#define TFL_LIM_BUFFERS (1u << 20)
#define TFL_LIM_OPCODES (1u << 16)
#define TFL_LIM_OP_IO (1u << 12)
#define TFL_LIM_GRAPH_IO (1u << 12)
#define TFL_LIM_STRING (1u << 16)
#define TFL_LIM_QUANT (1u << 20)
#define TFL_LIM_SHAPE (1u << 10) /* raw vector limit; rank is then checked against 8 */
#define TFL_LIM_OPT_VEC (1u << 12)

/* Decoded memory budget: fixed part plus a multiple of the file size, so a
 * small file cannot make the reader allocate gigabytes through shared tables. */
#define TFL_BUDGET_FIXED ((uint64_t)64 << 20)
#define TFL_BUDGET_PER_BYTE 256u
#define TFL_BUDGET_MAX ((uint64_t)1 << 30)

typedef struct {
    const uint8_t *data;
    uint64_t size;
} tfl_buf_ref_t;

typedef struct {
    fb_ctx_t fb;
    tfl_model_t *m;
    uint64_t budget;       /* bytes still allowed */
    uint64_t budget_total; /* for the error message */
    tfl_buf_ref_t *buffers;
} tfl_dec_t;

/* Zeroed allocation owned by the model; NULL (error recorded) when over budget. */
void *tfl_alloc(tfl_dec_t *d, uint64_t count, uint64_t size);
/* NUL-terminated copy of a byte range ("" when s is NULL). */
char *tfl_strdup_n(tfl_dec_t *d, const uint8_t *s, uint32_t len);
/* Decode an int32 vector field into a fresh array (NULL, 0 when absent). */
int tfl_int_vector(tfl_dec_t *d, const fb_table_t *t, int id, uint32_t limit, const char *field,
                   int32_t **out, int *count);

int tfl_decode_tensor(tfl_dec_t *d, const fb_table_t *t, tfl_tensor_t *out);
int tfl_decode_options(tfl_dec_t *d, const fb_table_t *op_table, tfl_op_t *op);
void tfl_set_where(tfl_dec_t *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
