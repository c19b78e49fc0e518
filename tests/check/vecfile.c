/* Reader of tests/vectors/NAME.vec (vecfile.h). Every size is checked before it is used. */
#include "vecfile.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int read_all(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *bigger = cap < ((size_t)1 << 28) ? realloc(buf, cap * 2) : NULL;
        if (!bigger)
            free(buf);
        buf = bigger;
        cap *= 2;
    }
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "%s: read error or larger than 256 MiB", path);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

/* One tensor record: dtype (1 int8, 2 int32), rank 0..6, six dims; bytes = product x size. */
static int parse_tensor(const uint8_t *p, vec_tensor_t *t, const char *path, uint32_t k, char *err,
                        size_t errlen) {
    t->dtype = le32(p);
    t->rank = le32(p + 4);
    if ((t->dtype != 1 && t->dtype != 2) || t->rank > VEC_MAX_RANK) {
        snprintf(err, errlen, "%s: tensor %u: dtype %u rank %u (want dtype 1 or 2, rank <= 6)",
                 path, k, t->dtype, t->rank);
        return -1;
    }
    t->bytes = t->dtype == 1 ? 1 : 4;
    for (uint32_t d = 0; d < VEC_MAX_RANK; d++) {
        uint32_t n = le32(p + 8 + 4 * d);
        if (d < t->rank && (n < 1 || n > 1u << 24 || t->bytes > ((size_t)1 << 28) / n)) {
            snprintf(err, errlen,
                     "%s: tensor %u: dimension %u is %u (want 1..2^24, total <= 256 MiB)", path, k,
                     d, n);
            return -1;
        }
        t->dims[d] = (int32_t)n;
        if (d < t->rank)
            t->bytes *= n;
    }
    return 0;
}

int vec_read(const char *path, vec_file_t *v, char *err, size_t errlen) {
    size_t len = 0;
    memset(v, 0, sizeof *v);
    if (read_all(path, &v->data, &len, err, errlen))
        return -1;
    const uint8_t *p = v->data;
    if (len < 20 || memcmp(p, "MICAVEC1", 8)) {
        snprintf(err, errlen, "%s: not a Mica vector file (magic MICAVEC1)", path);
        goto fail;
    }
    v->samples = le32(p + 8);
    v->ninputs = le32(p + 12);
    v->noutputs = le32(p + 16);
    if (v->ninputs < 1 || v->ninputs > VEC_MAX_TENSORS || v->noutputs < 1 ||
        v->noutputs > VEC_MAX_TENSORS) {
        snprintf(err, errlen, "%s: %u inputs, %u outputs (want 1..16 each)", path, v->ninputs,
                 v->noutputs);
        goto fail;
    }
    v->body = 20 + 32 * (size_t)(v->ninputs + v->noutputs);
    if (len < v->body) {
        snprintf(err, errlen, "%s: %zu bytes, shorter than its header", path, len);
        goto fail;
    }
    for (uint32_t k = 0; k < v->ninputs + v->noutputs; k++) {
        if (parse_tensor(p + 20 + 32 * k, &v->tensors[k], path, k, err, errlen))
            goto fail;
        v->sample_bytes += v->tensors[k].bytes;
    }
    if (v->samples < 1 || (len - v->body) / v->sample_bytes != v->samples ||
        (len - v->body) % v->sample_bytes) {
        snprintf(err, errlen, "%s: %zu data bytes do not hold %u samples of %zu bytes", path,
                 len - v->body, v->samples, v->sample_bytes);
        goto fail;
    }
    return 0;
fail:
    vec_free(v);
    return -1;
}

void vec_free(vec_file_t *v) {
    free(v->data);
    v->data = NULL;
}

const vec_tensor_t *vec_tensor(const vec_file_t *v, int output, uint32_t index) {
    return &v->tensors[(output ? v->ninputs : 0) + index];
}

const uint8_t *vec_data(const vec_file_t *v, uint32_t sample, int output, uint32_t index) {
    size_t off = v->body + (size_t)sample * v->sample_bytes;
    for (uint32_t k = 0; k < (output ? v->ninputs : 0) + index; k++)
        off += v->tensors[k].bytes;
    return v->data + off;
}

int vec_match_program(const vec_file_t *v, const mica_ctx_t *ctx, char *err, size_t errlen) {
    if ((uint32_t)mica_num_inputs(ctx) != v->ninputs ||
        (uint32_t)mica_num_outputs(ctx) != v->noutputs) {
        snprintf(err, errlen, "program has %d inputs and %d outputs, the vectors %u and %u",
                 mica_num_inputs(ctx), mica_num_outputs(ctx), v->ninputs, v->noutputs);
        return -1;
    }
    for (int output = 0; output < 2; output++)
        for (uint32_t i = 0; i < (output ? v->noutputs : v->ninputs); i++) {
            mica_tensor_info_t info;
            const vec_tensor_t *t = vec_tensor(v, output, i);
            mica_status_t s =
                output ? mica_output_info(ctx, (int)i, &info) : mica_input_info(ctx, (int)i, &info);
            if (s != MICA_OK || (uint32_t)info.dtype != t->dtype || info.bytes != t->bytes) {
                snprintf(
                    err, errlen,
                    "%s %u: program has dtype %d and %zu bytes, the vectors dtype %u and %zu bytes",
                    output ? "output" : "input", i, info.dtype, info.bytes, t->dtype, t->bytes);
                return -1;
            }
        }
    return 0;
}
