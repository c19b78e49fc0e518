/* Tensor decoding and validation: shape, type, buffer, name, quantization. */
#include <string.h>

#include "tflite_internal.h"

int tfl_type_size(int type) {
    switch (type) {
    case TFL_TYPE_INT8:
    case TFL_TYPE_UINT8:
    case TFL_TYPE_BOOL:
        return 1;
    case TFL_TYPE_INT16:
    case TFL_TYPE_UINT16:
    case TFL_TYPE_FLOAT16:
    case TFL_TYPE_BFLOAT16:
        return 2;
    case TFL_TYPE_INT32:
    case TFL_TYPE_UINT32:
    case TFL_TYPE_FLOAT32:
        return 4;
    case TFL_TYPE_INT64:
    case TFL_TYPE_UINT64:
    case TFL_TYPE_FLOAT64:
    case TFL_TYPE_COMPLEX64:
        return 8;
    case TFL_TYPE_COMPLEX128:
        return 16;
    default:
        return 0; /* STRING, INT4, RESOURCE, ...: no fixed element size */
    }
}

int64_t tfl_tensor_elements(const tfl_tensor_t *t) {
    int64_t n = 1;
    for (int i = 0; i < t->rank; i++) {
        int64_t dim = t->dims[i];
        if (dim < 0)
            return -1;
        if (dim && n > INT64_MAX / dim)
            return -1;
        n *= dim;
    }
    return n;
}

static int decode_shape(tfl_dec_t *d, const fb_table_t *t, tfl_tensor_t *out) {
    fb_vec_t v;
    int present;
    if (fb_vector(&d->fb, t, 0, 4, TFL_LIM_SHAPE, "shape", &v, &present))
        return -1;
    if (v.count > TFL_MAX_RANK)
        return fb_failf(&d->fb, "rank %lu exceeds the supported maximum %d", (unsigned long)v.count,
                        TFL_MAX_RANK);
    out->rank = (int)v.count;
    for (uint32_t i = 0; i < v.count; i++) {
        out->dims[i] = (int32_t)fb_le32(d->fb.buf + v.pos + 4 * (uint64_t)i);
        if (out->dims[i] < 0)
            return fb_failf(&d->fb, "shape dimension %lu is negative (%ld)", (unsigned long)i,
                            (long)out->dims[i]);
    }
    return 0;
}

/* shape_signature (field 7): a -1 there marks a dimension known only at run time, whose value in
 * shape is a placeholder (the converter writes 1). */
static int decode_signature(tfl_dec_t *d, const fb_table_t *t, tfl_tensor_t *out) {
    fb_vec_t v;
    int present;
    if (fb_vector(&d->fb, t, 7, 4, TFL_LIM_SHAPE, "shape_signature", &v, &present))
        return -1;
    out->dynamic = 0;
    for (uint32_t i = 0; i < v.count; i++)
        out->dynamic |= (int32_t)fb_le32(d->fb.buf + v.pos + 4 * (uint64_t)i) < 0;
    return 0;
}

/* scale / zero_point vectors and the quantized dimension. */
static int decode_quant(tfl_dec_t *d, const fb_table_t *t, tfl_tensor_t *out) {
    fb_table_t q;
    fb_vec_t sv, zv;
    int present, has_s, has_z;
    int64_t qdim, details;
    if (fb_subtable(&d->fb, t, 4, "quantization", &q, &present))
        return -1;
    if (!present)
        return 0;
    if (fb_vector(&d->fb, &q, 2, 4, TFL_LIM_QUANT, "scale", &sv, &has_s) ||
        fb_vector(&d->fb, &q, 3, 8, TFL_LIM_QUANT, "zero_point", &zv, &has_z) ||
        fb_get_int(&d->fb, &q, 4, 1, 0, 0, "details_type", &details) ||
        fb_get_int(&d->fb, &q, 6, 4, 1, 0, "quantized_dimension", &qdim))
        return -1;
    out->quant_details_type = (int)details;
    out->quant_dim = (int)qdim;
    if (sv.count != zv.count)
        return fb_failf(&d->fb, "quantization has %lu scales but %lu zero points",
                        (unsigned long)sv.count, (unsigned long)zv.count);
    if (sv.count == 0)
        return 0;
    if (sv.count > 1 && (qdim < 0 || qdim >= out->rank))
        return fb_failf(&d->fb, "quantized_dimension %lld out of range for rank %d",
                        (long long)qdim, out->rank);
    if (sv.count > 1 && (int64_t)sv.count != out->dims[qdim])
        return fb_failf(&d->fb, "%lu per-axis scales but dimension %lld has size %ld",
                        (unsigned long)sv.count, (long long)qdim, (long)out->dims[qdim]);
    if (sv.count == 1 && qdim < 0)
        return fb_failf(&d->fb, "quantized_dimension %lld is negative", (long long)qdim);
    out->scale = tfl_alloc(d, sv.count, sizeof *out->scale);
    out->zero_point = tfl_alloc(d, zv.count, sizeof *out->zero_point);
    if (!out->scale || !out->zero_point)
        return -1;
    for (uint32_t i = 0; i < sv.count; i++) {
        uint32_t bits = fb_le32(d->fb.buf + sv.pos + 4 * (uint64_t)i);
        memcpy(&out->scale[i], &bits, sizeof bits);
        out->zero_point[i] = (int64_t)fb_le64(d->fb.buf + zv.pos + 8 * (uint64_t)i);
    }
    out->nquant = (int)sv.count;
    return 0;
}

/* Constant data must exactly fill the shape for fixed-size element types. */
static int check_data_size(tfl_dec_t *d, const tfl_tensor_t *t) {
    int esize = tfl_type_size(t->type);
    if (!t->data_size || !esize || t->is_sparse)
        return 0;
    int64_t n = tfl_tensor_elements(t);
    if (n < 0 || n > INT64_MAX / esize)
        return fb_failf(&d->fb, "shape is too large for constant data");
    if ((uint64_t)n * (uint64_t)esize != (uint64_t)t->data_size)
        return fb_failf(&d->fb, "constant data is %llu bytes but %lld %s elements need %llu",
                        (unsigned long long)t->data_size, (long long)n, tfl_type_name(t->type),
                        (unsigned long long)n * (unsigned long long)esize);
    return 0;
}

int tfl_decode_tensor(tfl_dec_t *d, const fb_table_t *t, tfl_tensor_t *out) {
    int64_t type, buffer, is_var;
    const uint8_t *s;
    uint32_t slen;
    fb_table_t sparsity;
    int sparse;
    if (decode_shape(d, t, out) || decode_signature(d, t, out) ||
        fb_get_int(&d->fb, t, 1, 1, 1, 0, "type", &type) ||
        fb_get_int(&d->fb, t, 2, 4, 0, 0, "buffer", &buffer) ||
        fb_string(&d->fb, t, 3, TFL_LIM_STRING, "name", &s, &slen) ||
        fb_get_int(&d->fb, t, 5, 1, 0, 0, "is_variable", &is_var) ||
        fb_subtable(&d->fb, t, 6, "sparsity", &sparsity, &sparse))
        return -1;
    if (type < 0 || type >= TFL_TYPE_COUNT)
        return fb_failf(&d->fb, "unknown tensor type %lld", (long long)type);
    out->type = (int)type;
    out->is_variable = is_var != 0;
    out->is_sparse = sparse;
    if (!(out->name = tfl_strdup_n(d, s, slen)))
        return -1;
    if (buffer >= d->m->nbuffers)
        return fb_failf(&d->fb, "buffer index %lld out of range (model has %d buffers)",
                        (long long)buffer, d->m->nbuffers);
    out->buffer = (uint32_t)buffer;
    out->data = d->buffers[buffer].data;
    out->data_size = (size_t)d->buffers[buffer].size;
    if (decode_quant(d, t, out))
        return -1;
    return check_data_size(d, out);
}
