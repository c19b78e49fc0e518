/* TFLite model reader: model, buffers, operator codes, subgraph 0, operators.
 * Tensors live in tflite_tensor.c, options in tflite_options.c. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC, fstat: every build of this file, -std=c99 included */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tflite_internal.h"

#define TFL_SCHEMA_VERSION 3

typedef struct alloc_node {
    struct alloc_node *next;
} alloc_node_t;

void *tfl_alloc(tfl_dec_t *d, uint64_t count, uint64_t size) {
    /* Header rounded to 16 bytes keeps the payload suitably aligned. */
    const uint64_t hdr = 16;
    if (size && count > (TFL_BUDGET_MAX / size)) {
        fb_failf(&d->fb, "decoded model would need too much memory");
        return NULL;
    }
    uint64_t bytes = count * size;
    if (bytes + hdr > d->budget) {
        fb_failf(&d->fb, "decoded model would need more than its %llu MiB memory budget",
                 (unsigned long long)(d->budget_total >> 20));
        return NULL;
    }
    alloc_node_t *n = calloc(1, (size_t)(bytes + hdr));
    if (!n) {
        fb_failf(&d->fb, "out of memory");
        return NULL;
    }
    d->budget -= bytes + hdr;
    n->next = d->m->alloc_list;
    d->m->alloc_list = n;
    return (uint8_t *)n + hdr;
}

char *tfl_strdup_n(tfl_dec_t *d, const uint8_t *s, uint32_t len) {
    char *r = tfl_alloc(d, (uint64_t)len + 1, 1);
    if (r && len)
        memcpy(r, s, len);
    return r;
}

void tfl_set_where(tfl_dec_t *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->fb.where, sizeof d->fb.where, fmt, ap);
    va_end(ap);
}

int tfl_int_vector(tfl_dec_t *d, const fb_table_t *t, int id, uint32_t limit, const char *field,
                   int32_t **out, int *count) {
    fb_vec_t v;
    int present;
    *out = NULL;
    *count = 0;
    if (fb_vector(&d->fb, t, id, 4, limit, field, &v, &present))
        return -1;
    if (!present || v.count == 0)
        return 0;
    int32_t *a = tfl_alloc(d, v.count, sizeof *a);
    if (!a)
        return -1;
    for (uint32_t i = 0; i < v.count; i++)
        a[i] = (int32_t)fb_le32(d->fb.buf + v.pos + 4 * (uint64_t)i);
    *out = a;
    *count = (int)v.count;
    return 0;
}

/* Buffer i: inline data vector, or (large-model form) offset/size relative to
 * the file start when offset > 1. */
static int decode_buffer(tfl_dec_t *d, const fb_table_t *t, tfl_buf_ref_t *out) {
    uint64_t off = 0, size = 0;
    int has_off, has_size;
    if (fb_scalar(&d->fb, t, 1, 8, "offset", &off, &has_off))
        return -1;
    if (fb_scalar(&d->fb, t, 2, 8, "size", &size, &has_size))
        return -1;
    if (has_off && off > 1) {
        if (off > d->fb.len || size > d->fb.len - off)
            return fb_failf(&d->fb,
                            "external data (offset 0x%llx, %llu bytes) runs past end of file",
                            (unsigned long long)off, (unsigned long long)size);
        out->data = size ? d->fb.buf + off : NULL;
        out->size = size;
        return 0;
    }
    fb_vec_t v;
    int present;
    if (fb_vector(&d->fb, t, 0, 1, UINT32_MAX, "data", &v, &present))
        return -1;
    out->data = v.count ? d->fb.buf + v.pos : NULL;
    out->size = v.count;
    return 0;
}

static int decode_buffers(tfl_dec_t *d, const fb_table_t *model) {
    fb_vec_t v;
    int present;
    tfl_set_where(d, "model");
    if (fb_vector(&d->fb, model, 4, 4, TFL_LIM_BUFFERS, "buffers", &v, &present))
        return -1;
    d->m->nbuffers = (int)v.count;
    d->buffers = tfl_alloc(d, v.count ? v.count : 1, sizeof *d->buffers);
    if (!d->buffers)
        return -1;
    for (uint32_t i = 0; i < v.count; i++) {
        fb_table_t bt;
        tfl_set_where(d, "buffer %lu", (unsigned long)i);
        if (fb_vec_table(&d->fb, &v, i, "", &bt) || decode_buffer(d, &bt, &d->buffers[i]))
            return -1;
    }
    return 0;
}

typedef struct {
    int builtin;
    int version;
    char *custom_code;
} opcode_t;

static int decode_opcodes(tfl_dec_t *d, const fb_table_t *model, opcode_t **out) {
    fb_vec_t v;
    int present;
    tfl_set_where(d, "model");
    if (fb_vector(&d->fb, model, 1, 4, TFL_LIM_OPCODES, "operator_codes", &v, &present))
        return -1;
    d->m->nopcodes = (int)v.count;
    opcode_t *codes = tfl_alloc(d, v.count ? v.count : 1, sizeof *codes);
    if (!codes)
        return -1;
    for (uint32_t i = 0; i < v.count; i++) {
        fb_table_t t;
        int64_t dep, code, ver;
        const uint8_t *s;
        uint32_t slen;
        tfl_set_where(d, "operator code %lu", (unsigned long)i);
        if (fb_vec_table(&d->fb, &v, i, "", &t) ||
            fb_get_int(&d->fb, &t, 0, 1, 1, 0, "deprecated_builtin_code", &dep) ||
            fb_string(&d->fb, &t, 1, TFL_LIM_STRING, "custom_code", &s, &slen) ||
            fb_get_int(&d->fb, &t, 2, 4, 1, 1, "version", &ver) ||
            fb_get_int(&d->fb, &t, 3, 4, 1, 0, "builtin_code", &code))
            return -1;
        codes[i].builtin = (int)(dep > code ? dep : code);
        if (codes[i].builtin < 0)
            return fb_failf(&d->fb, "invalid builtin code %d", codes[i].builtin);
        codes[i].version = (int)ver;
        if (s && !(codes[i].custom_code = tfl_strdup_n(d, s, slen)))
            return -1;
    }
    *out = codes;
    return 0;
}

/* Index vector whose entries must name tensors (or -1 when allow_absent). */
static int decode_index_vector(tfl_dec_t *d, const fb_table_t *t, int id, uint32_t limit,
                               const char *field, int allow_absent, int32_t **out, int *count) {
    if (tfl_int_vector(d, t, id, limit, field, out, count))
        return -1;
    for (int i = 0; i < *count; i++) {
        int32_t x = (*out)[i];
        if ((x == -1 && allow_absent) || (x >= 0 && x < d->m->ntensors))
            continue;
        return fb_failf(&d->fb, "%s[%d] = %ld is not a tensor index (model has %d tensors)", field,
                        i, (long)x, d->m->ntensors);
    }
    return 0;
}

static int decode_op(tfl_dec_t *d, const fb_table_t *t, const opcode_t *codes, tfl_op_t *op) {
    int64_t idx;
    if (fb_get_int(&d->fb, t, 0, 4, 0, 0, "opcode_index", &idx))
        return -1;
    if (idx >= d->m->nopcodes)
        return fb_failf(&d->fb, "opcode_index %lld out of range (model has %d operator codes)",
                        (long long)idx, d->m->nopcodes);
    op->opcode_index = (int)idx;
    op->builtin = codes[idx].builtin;
    op->version = codes[idx].version;
    op->custom_code = codes[idx].custom_code;
    size_t n = strlen(d->fb.where);
    snprintf(d->fb.where + n, sizeof d->fb.where - n, " (%s)", tfl_builtin_name(op->builtin));
    fb_vec_t cv;
    int present;
    if (decode_index_vector(d, t, 1, TFL_LIM_OP_IO, "inputs", 1, &op->inputs, &op->ninputs) ||
        decode_index_vector(d, t, 2, TFL_LIM_OP_IO, "outputs", 0, &op->outputs, &op->noutputs) ||
        decode_index_vector(d, t, 8, TFL_LIM_OP_IO, "intermediates", 0, &op->intermediates,
                            &op->nintermediates) ||
        fb_vector(&d->fb, t, 5, 1, UINT32_MAX, "custom_options", &cv, &present))
        return -1;
    op->has_custom_options = present;
    int64_t t2;
    if (fb_get_int(&d->fb, t, 11, 1, 0, 0, "builtin_options_2_type", &t2))
        return -1;
    op->options2_type = (int)t2;
    return tfl_decode_options(d, t, op);
}

static int decode_subgraph(tfl_dec_t *d, const fb_table_t *sg, const opcode_t *codes, int index) {
    tfl_model_t *m = d->m;
    fb_vec_t tv, ov;
    int present;
    const uint8_t *s;
    uint32_t slen;
    tfl_set_where(d, "subgraph %d", index);
    if (fb_vector(&d->fb, sg, 0, 4, TFL_LIM_TENSORS, "tensors", &tv, &present) ||
        fb_vector(&d->fb, sg, 3, 4, TFL_LIM_OPS, "operators", &ov, &present) ||
        fb_string(&d->fb, sg, 4, TFL_LIM_STRING, "name", &s, &slen) ||
        !(m->subgraph_name = tfl_strdup_n(d, s, slen)))
        return -1;
    m->ntensors = (int)tv.count;
    m->nops = (int)ov.count;
    m->tensors = tfl_alloc(d, tv.count ? tv.count : 1, sizeof *m->tensors);
    m->ops = tfl_alloc(d, ov.count ? ov.count : 1, sizeof *m->ops);
    if (!m->tensors || !m->ops)
        return -1;
    if (decode_index_vector(d, sg, 1, TFL_LIM_GRAPH_IO, "inputs", 0, &m->inputs, &m->ninputs) ||
        decode_index_vector(d, sg, 2, TFL_LIM_GRAPH_IO, "outputs", 0, &m->outputs, &m->noutputs))
        return -1;
    for (uint32_t i = 0; i < tv.count; i++) {
        fb_table_t t;
        tfl_set_where(d, "tensor %lu", (unsigned long)i);
        if (fb_vec_table(&d->fb, &tv, i, "", &t) || tfl_decode_tensor(d, &t, &m->tensors[i]))
            return -1;
    }
    for (uint32_t i = 0; i < ov.count; i++) {
        fb_table_t t;
        tfl_set_where(d, "op %lu", (unsigned long)i);
        if (fb_vec_table(&d->fb, &ov, i, "", &t) || decode_op(d, &t, codes, &m->ops[i]))
            return -1;
    }
    return 0;
}

static int decode_model(tfl_dec_t *d, int index) {
    tfl_model_t *m = d->m;
    fb_table_t model, sg;
    fb_vec_t sv;
    int present;
    int64_t version;
    const uint8_t *s;
    uint32_t slen;
    opcode_t *codes = NULL;
    tfl_set_where(d, "model");
    if (fb_table_at_ref(&d->fb, 0, "root", &model) ||
        fb_get_int(&d->fb, &model, 0, 4, 0, 0, "version", &version))
        return -1;
    if (version != TFL_SCHEMA_VERSION)
        return fb_failf(&d->fb, "schema version %lld is not supported (expected %d)",
                        (long long)version, TFL_SCHEMA_VERSION);
    m->version = (uint32_t)version;
    if (fb_string(&d->fb, &model, 3, TFL_LIM_STRING, "description", &s, &slen) ||
        !(m->description = tfl_strdup_n(d, s, slen)) ||
        fb_vector(&d->fb, &model, 2, 4, TFL_LIM_SUBGRAPHS, "subgraphs", &sv, &present))
        return -1;
    if (sv.count == 0)
        return fb_failf(&d->fb, "model has no subgraphs");
    m->nsubgraphs = (int)sv.count;
    if (index < 0 || index >= m->nsubgraphs)
        return fb_failf(&d->fb, "subgraph %d does not exist (the model has %d)", index,
                        m->nsubgraphs);
    m->subgraph_index = index;
    if (decode_buffers(d, &model) || decode_opcodes(d, &model, &codes))
        return -1;
    tfl_set_where(d, "subgraph %d", index);
    if (fb_vec_table(&d->fb, &sv, (uint32_t)index, "", &sg))
        return -1;
    return decode_subgraph(d, &sg, codes, index);
}

/* Identifier bytes as printable text for the error message. */
static void describe_identifier(const uint8_t *buf, size_t len, char *out, size_t outlen) {
    size_t n = 0;
    for (size_t i = 4; i < 8 && i < len && n + 5 < outlen; i++) {
        unsigned c = buf[i];
        n += (size_t)snprintf(out + n, outlen - n,
                              (c >= 32 && c < 127 && c != '"') ? "%c" : "\\x%02x", c);
    }
    out[n] = 0;
}

int tfl_model_read(const uint8_t *buf, size_t len, tfl_model_t **out, char *err, size_t errlen) {
    return tfl_model_read_subgraph(buf, len, 0, out, err, errlen);
}

int tfl_model_read_subgraph(const uint8_t *buf, size_t len, int index, tfl_model_t **out, char *err,
                            size_t errlen) {
    char local[256];
    if (!err || !errlen) {
        err = local;
        errlen = sizeof local;
    }
    err[0] = 0;
    *out = NULL;
    if (!buf || len == 0)
        return snprintf(err, errlen, "file is empty"), -1;
    if (len < 8)
        return snprintf(err, errlen, "file too short for a TFLite model (%zu bytes)", len), -1;
    tfl_model_t *m = calloc(1, sizeof *m);
    if (!m)
        return snprintf(err, errlen, "out of memory"), -1;
    tfl_dec_t d;
    memset(&d, 0, sizeof d);
    d.m = m;
    d.fb.buf = buf;
    d.fb.len = len;
    d.fb.err = err;
    d.fb.errlen = errlen;
    uint64_t budget = TFL_BUDGET_FIXED + (uint64_t)len * TFL_BUDGET_PER_BYTE;
    d.budget = d.budget_total = budget < TFL_BUDGET_MAX ? budget : TFL_BUDGET_MAX;
    m->has_identifier = memcmp(buf + 4, "TFL3", 4) == 0;
    m->source = buf;
    m->source_size = len;
    if (decode_model(&d, index) == 0) {
        *out = m;
        return 0;
    }
    if (!m->has_identifier) {
        /* Without the identifier the failure most likely means "not a model". */
        char id[40], inner[256];
        describe_identifier(buf, len, id, sizeof id);
        snprintf(inner, sizeof inner, "%s", err);
        snprintf(err, errlen, "not a TFLite model (file identifier \"%s\", expected \"TFL3\"): %s",
                 id, inner);
    }
    tfl_model_free(m);
    return -1;
}

/* Reads a whole regular file of at most TFL_MAX_FILE_BYTES: a FIFO would block, a device such
 * as /dev/zero never end. O_NONBLOCK keeps even the open of a FIFO from waiting. */
static uint8_t *read_model_file(const char *path, size_t *len, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return snprintf(err, errlen, "cannot open file: %s", strerror(errno)), NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return snprintf(err, errlen,
                        "not a regular file (a model must be a .tflite file, not a FIFO, device or "
                        "directory)"),
               NULL;
    }
    if (st.st_size > (off_t)TFL_MAX_FILE_BYTES) {
        close(fd);
        return snprintf(err, errlen, "%lld bytes, larger than the %u MiB a model may have",
                        (long long)st.st_size, TFL_MAX_FILE_BYTES >> 20),
               NULL;
    }
    size_t want = (size_t)st.st_size, got = 0;
    uint8_t *bytes = malloc(want ? want : 1);
    if (!bytes) {
        close(fd);
        return snprintf(err, errlen, "out of memory reading file"), NULL;
    }
    while (got < want) { /* a file that shrinks meanwhile is read short: the decoder checks it */
        ssize_t n = read(fd, bytes + got, want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "read error: %s", strerror(errno));
            free(bytes);
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return bytes;
}

int tfl_model_load_file(const char *path, tfl_model_t **out, char *err, size_t errlen) {
    *out = NULL;
    size_t len = 0;
    uint8_t *bytes = read_model_file(path, &len, err, errlen);
    if (!bytes)
        return -1;
    if (tfl_model_read(bytes, len, out, err, errlen)) {
        free(bytes);
        return -1;
    }
    (*out)->file_bytes = bytes;
    (*out)->file_size = len;
    return 0;
}

void tfl_model_free(tfl_model_t *m) {
    if (!m)
        return;
    alloc_node_t *n = m->alloc_list;
    while (n) {
        alloc_node_t *next = n->next;
        free(n);
        n = next;
    }
    free(m->file_bytes);
    free(m);
}
