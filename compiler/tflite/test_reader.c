/* Tests for the TFLite reader.
 *
 *   test_reader [MODEL.tflite...]
 *   test_reader --write-seed OUT.tflite   (write the hand-built model)
 *
 * 1. A hand-built model exercising every decoded feature (options defaults,
 *    ReshapeOptions vector, external buffers, opcode code rules, custom ops),
 *    then targeted corruptions of it, each expecting a specific error.
 * 2. For each model file given: decode, check invariants, then decode every
 *    truncation and every single-byte corruption in-process; each attempt must
 *    either succeed with consistent results or fail with one error line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_fb_builder.h"
#include "tflite_reader.h"

static int failures;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Knobs that corrupt one aspect of the built model. */
typedef struct {
    uint32_t version;
    int ident;         /* 0 none, 1 "TFL3", 2 "ABCD" */
    int input_index;   /* op 0 input 1 */
    int weight_buffer; /* buffer index of tensor 1 */
    int weight_dim3;   /* last dim of tensor 1 */
    int zp_count;      /* zero points of tensor 1 */
    int quant_dim;     /* tensor 1 */
    int rank9;         /* tensor 0 gets 9 dims */
    int neg_dim;       /* tensor 0 dim -1 */
    int conv_options;  /* options type of op 0 */
    int nsubgraphs;
    int ext_extra;    /* added to external buffer size */
    int opcode_index; /* op 1 */
    int output_index; /* op 1 output */
} knobs_t;

static knobs_t default_knobs(void) {
    knobs_t k = {3, 1, 1, 1, 2, 2, 0, 0, 0, 1, 1, 0, 0, 5};
    /* version ident input_index weight_buffer weight_dim3 zp_count quant_dim rank9 neg_dim
     conv_options nsubgraphs ext_extra opcode_index output_index */
    return k;
}

typedef struct {
    size_t model, tensor0, tensor1, tensor0_shape;
} layout_t;

static size_t quant(tb_t *b, int n, const float *scale, int nzp, int qdim) {
    int64_t zp[4] = {-3, 0, 0, 0};
    size_t q = tb_table(b, 7);
    tb_ref(b, q, 2, tb_vec(b, 4, (uint32_t)n, scale));
    tb_ref(b, q, 3, tb_vec(b, 8, (uint32_t)nzp, zp));
    tb_scalar(b, q, 6, 4, (uint32_t)qdim);
    return q;
}

static size_t tensor(tb_t *b, int type, int rank, const int32_t *dims, uint32_t buffer,
                     const char *name) {
    size_t t = tb_table(b, 7);
    tb_scalar(b, t, 1, 1, (uint64_t)type);
    tb_scalar(b, t, 2, 4, buffer);
    tb_ref(b, t, 0, tb_vec(b, 4, (uint32_t)rank, dims));
    tb_ref(b, t, 3, tb_string(b, name));
    return t;
}

static size_t opcode(tb_t *b, int dep, int code, int version, const char *custom) {
    size_t t = tb_table(b, 4);
    tb_scalar(b, t, 0, 1, (uint64_t)dep);
    if (code >= 0)
        tb_scalar(b, t, 3, 4, (uint64_t)code);
    if (version)
        tb_scalar(b, t, 2, 4, (uint64_t)version);
    if (custom)
        tb_ref(b, t, 1, tb_string(b, custom));
    return t;
}

static size_t op(tb_t *b, uint32_t opcode_index, int nin, const int32_t *in, int nout,
                 const int32_t *out) {
    size_t t = tb_table(b, 12);
    tb_scalar(b, t, 0, 4, opcode_index);
    tb_ref(b, t, 1, tb_vec(b, 4, (uint32_t)nin, in));
    tb_ref(b, t, 2, tb_vec(b, 4, (uint32_t)nout, out));
    return t;
}

static void build_buffers(tb_t *b, size_t model, size_t *ext_table) {
    static const int8_t weights[4] = {1, -2, 3, -4};
    static const int32_t shape[2] = {1, 8};
    size_t v = tb_vec_refs(b, 4);
    tb_ref(b, model, 4, v);
    tb_vec_ref(b, v, 0, tb_table(b, 3));
    size_t b1 = tb_table(b, 3);
    tb_vec_ref(b, v, 1, b1);
    tb_ref(b, b1, 0, tb_vec(b, 1, 4, weights));
    *ext_table = tb_table(b, 3);
    tb_vec_ref(b, v, 2, *ext_table);
    size_t b3 = tb_table(b, 3);
    tb_vec_ref(b, v, 3, b3);
    tb_ref(b, b3, 0, tb_vec(b, 1, 8, shape)); /* [ubyte] holding two int32 */
}

static void build_tensors(tb_t *b, size_t sg, const knobs_t *k, layout_t *lay) {
    static const float in_scale[1] = {0.5f}, w_scale[2] = {0.125f, 0.25f};
    int32_t d_in[9] = {1, 2, 2, 1, 1, 1, 1, 1, 1}, d_w[4] = {2, 1, 1, k->weight_dim3};
    static const int32_t d_b[1] = {2}, d_out[4] = {1, 2, 2, 2}, d_shape[1] = {2}, d_r[2] = {1, 8};
    if (k->neg_dim)
        d_in[1] = -1;
    size_t v = tb_vec_refs(b, 8);
    tb_ref(b, sg, 0, v);
    size_t t[8];
    t[0] = tensor(b, 9, k->rank9 ? 9 : 4, d_in, 0, "input");
    tb_ref(b, t[0], 4, quant(b, 1, in_scale, 1, 0));
    t[1] = tensor(b, 9, 4, d_w, (uint32_t)k->weight_buffer, "weights");
    tb_ref(b, t[1], 4, quant(b, 2, w_scale, k->zp_count, k->quant_dim));
    t[2] = tensor(b, 2, 1, d_b, 2, "bias");
    t[3] = tensor(b, 9, 4, d_out, 0, "conv");
    t[4] = tensor(b, 2, 1, d_shape, 3, "shape");
    t[5] = tensor(b, 9, 2, d_r, 0, "reshaped");
    t[6] = tensor(b, 9, 2, d_r, 0, "custom_out");
    t[7] = tensor(b, 1, 2, d_r, 0, "");
    tb_scalar(b, t[7], 5, 1, 1); /* is_variable */
    for (uint32_t i = 0; i < 8; i++)
        tb_vec_ref(b, v, i, t[i]);
    lay->tensor0 = t[0];
    lay->tensor1 = t[1];
    size_t fp = tb_field_pos(b, t[0], 0);
    lay->tensor0_shape = fp + (b->buf[fp] | (size_t)b->buf[fp + 1] << 8); /* small offsets */
}

static void build_ops(tb_t *b, size_t sg, const knobs_t *k) {
    int32_t in0[3] = {0, k->input_index, 2}, out0[1] = {3};
    int32_t in1[2] = {3, 4}, out1[1] = {k->output_index};
    static const int32_t in2[2] = {5, -1}, out2[1] = {6}, in3[1] = {6}, out3[1] = {7};
    static const int32_t new_shape[2] = {1, 8};
    size_t v = tb_vec_refs(b, 4);
    tb_ref(b, sg, 3, v);
    size_t o0 = op(b, 1, 3, in0, 1, out0);
    tb_scalar(b, o0, 3, 1, (uint64_t)k->conv_options);
    size_t opt0 = tb_table(b, 5); /* old writer: no dilation fields at all */
    tb_ref(b, o0, 4, opt0);
    tb_scalar(b, opt0, 0, 1, 1);
    tb_scalar(b, opt0, 1, 4, 2);
    tb_scalar(b, opt0, 2, 4, 2);
    tb_scalar(b, opt0, 3, 1, 3);
    size_t o1 = op(b, (uint32_t)k->opcode_index, 2, in1, 1, out1);
    tb_scalar(b, o1, 3, 1, 17);
    size_t opt1 = tb_table(b, 1);
    tb_ref(b, o1, 4, opt1);
    tb_ref(b, opt1, 0, tb_vec(b, 4, 2, new_shape));
    size_t o2 = op(b, 3, 2, in2, 1, out2);
    size_t o3 = op(b, 2, 1, in3, 1, out3);
    tb_scalar(b, o3, 3, 1, 116); /* GeluOptions, table absent: defaults */
    tb_vec_ref(b, v, 0, o0);
    tb_vec_ref(b, v, 1, o1);
    tb_vec_ref(b, v, 2, o2);
    tb_vec_ref(b, v, 3, o3);
}

static void build_model(tb_t *b, const knobs_t *k, layout_t *lay) {
    static const int32_t gin[1] = {0}, gout[1] = {7};
    static const int32_t ext_data[2] = {100, -200};
    tb_init(b, k->ident == 0 ? NULL : (k->ident == 1 ? "TFL3" : "ABCD"));
    size_t model = tb_table(b, 5);
    tb_root(b, model);
    lay->model = model;
    tb_scalar(b, model, 0, 4, k->version);
    tb_ref(b, model, 3, tb_string(b, "hand-built"));
    size_t codes = tb_vec_refs(b, 4);
    tb_ref(b, model, 1, codes);
    tb_vec_ref(b, codes, 0, opcode(b, 22, -1, 0, NULL));
    tb_vec_ref(b, codes, 1, opcode(b, 3, -1, 2, NULL));
    tb_vec_ref(b, codes, 2, opcode(b, 127, 150, 1, NULL));
    tb_vec_ref(b, codes, 3, opcode(b, 32, 32, 1, "MyOp"));
    size_t ext;
    build_buffers(b, model, &ext);
    size_t sgs = tb_vec_refs(b, (uint32_t)k->nsubgraphs);
    tb_ref(b, model, 2, sgs);
    for (int s = 0; s < k->nsubgraphs; s++) {
        size_t sg = tb_table(b, 5);
        tb_vec_ref(b, sgs, (uint32_t)s, sg);
        tb_ref(b, sg, 4, tb_string(b, "main"));
        tb_ref(b, sg, 1, tb_vec(b, 4, 1, gin));
        tb_ref(b, sg, 2, tb_vec(b, 4, 1, gout));
        if (s == 0) {
            build_tensors(b, sg, k, lay);
            build_ops(b, sg, k);
        }
    }
    /* Large-model form: data appended after the flatbuffer, found by offset. */
    while (b->len & 15)
        b->buf[b->len++] = 0;
    tb_scalar(b, ext, 1, 8, b->len);
    tb_scalar(b, ext, 2, 8, (uint64_t)(8 + k->ext_extra));
    memcpy(b->buf + b->len, ext_data, 8);
    b->len += 8;
}

/* Decodes; returns the model or NULL, with err filled. */
static tfl_model_t *decode(const tb_t *b, size_t len, char *err, size_t errlen) {
    tfl_model_t *m = NULL;
    if (tfl_model_read(b->buf, len, &m, err, errlen))
        return NULL;
    return m;
}

static int streq(const char *a, const char *b) {
    return a && b && strcmp(a, b) == 0;
}

static void check_valid_contents(const tfl_model_t *m) {
    CHECK(m->version == 3 && m->nsubgraphs == 1 && m->has_identifier == 1);
    CHECK(streq(m->description, "hand-built") && streq(m->subgraph_name, "main"));
    CHECK(m->ntensors == 8 && m->nops == 4 && m->nbuffers == 4 && m->nopcodes == 4);
    CHECK(m->ninputs == 1 && m->inputs[0] == 0 && m->noutputs == 1 && m->outputs[0] == 7);
    const tfl_tensor_t *t = m->tensors;
    CHECK(t[0].type == TFL_TYPE_INT8 && t[0].rank == 4 && t[0].dims[1] == 2 && !t[0].data);
    CHECK(t[0].nquant == 1 && t[0].scale[0] == 0.5f && t[0].zero_point[0] == -3);
    CHECK(streq(t[0].name, "input"));
    CHECK(t[1].data_size == 4 && t[1].data && (int8_t)t[1].data[1] == -2);
    CHECK(t[1].nquant == 2 && t[1].quant_dim == 0 && t[1].scale[1] == 0.25f);
    int32_t ext[2] = {0, 0};
    CHECK(t[2].data_size == 8 && t[2].data);
    if (t[2].data)
        memcpy(ext, t[2].data, 8);
    CHECK(ext[0] == 100 && ext[1] == -200);
    CHECK(t[7].type == TFL_TYPE_FLOAT16 && t[7].is_variable == 1 && streq(t[7].name, ""));
    const tfl_op_t *o = m->ops;
    CHECK(o[0].builtin == TFL_OP_CONV_2D && o[0].version == 2 &&
          o[0].options_type == TFL_OPTS_CONV2D);
    CHECK(tfl_opt_int(&o[0], TFL_CONV2D_PADDING, 0) == TFL_PADDING_VALID);
    CHECK(tfl_opt_int(&o[0], TFL_CONV2D_STRIDE_W, 0) == 2 &&
          tfl_opt_int(&o[0], TFL_CONV2D_STRIDE_H, 0) == 2);
    CHECK(tfl_opt_int(&o[0], TFL_CONV2D_ACTIVATION, 0) == TFL_ACT_RELU6);
    CHECK(tfl_opt_int(&o[0], TFL_CONV2D_DILATION_W, TFL_DFLT_DILATION) == 1);
    CHECK(!tfl_opt_present(&o[0], TFL_CONV2D_DILATION_H) &&
          o[0].opt.slot[TFL_CONV2D_DILATION_H].i == 1);
    CHECK(tfl_opt_int(&o[0], 99, 7) == 7 && tfl_opt_int(&o[0], -1, 7) == 7);
    CHECK(tfl_opt_float(&o[0], TFL_CONV2D_STRIDE_W, 1.5f) == 1.5f);
    int n;
    const int32_t *v = tfl_opt_vec(&o[1], TFL_RESHAPE_NEW_SHAPE, &n);
    CHECK(o[1].builtin == TFL_OP_RESHAPE && o[1].version == 1 && n == 2 && v && v[1] == 8);
    CHECK(tfl_opt_vec(&o[0], TFL_CONV2D_PADDING, &n) == NULL && n == 0);
    CHECK(o[2].builtin == TFL_OP_CUSTOM && streq(o[2].custom_code, "MyOp"));
    CHECK(o[2].ninputs == 2 && o[2].inputs[1] == -1 && o[2].options_type == 0);
    CHECK(o[3].builtin == TFL_OP_GELU && o[3].options_type == TFL_OPTS_GELU &&
          o[3].opt.nslots == 1);
    CHECK(streq(tfl_builtin_name(TFL_OP_CONV_2D), "CONV_2D") &&
          streq(tfl_builtin_name(-1), "UNKNOWN"));
    CHECK(streq(tfl_builtin_name(100000), "UNKNOWN") && streq(tfl_type_name(9), "INT8"));
    CHECK(streq(tfl_options_name(TFL_OPTS_RESHAPE), "ReshapeOptions"));
}

static void test_valid_model(void) {
    static tb_t b;
    layout_t lay;
    char err[256];
    knobs_t k = default_knobs();
    build_model(&b, &k, &lay);
    tfl_model_t *m = decode(&b, b.len, err, sizeof err);
    CHECK(m != NULL);
    if (!m) {
        fprintf(stderr, "  valid model rejected: %s\n", err);
        return;
    }
    check_valid_contents(m);
    tfl_model_free(m);
    for (int ident = 0; ident <= 2; ident += 2) { /* missing or wrong identifier, valid rest */
        k = default_knobs();
        k.ident = ident;
        build_model(&b, &k, &lay);
        m = decode(&b, b.len, err, sizeof err);
        CHECK(m && m->has_identifier == 0);
        tfl_model_free(m);
    }
    k = default_knobs();
    k.nsubgraphs = 2;
    build_model(&b, &k, &lay);
    m = decode(&b, b.len, err, sizeof err);
    CHECK(m && m->nsubgraphs == 2 && m->ntensors == 8);
    tfl_model_free(m);
}

static void expect_error(const tb_t *b, size_t len, const char *want, int line) {
    char err[256] = "";
    tfl_model_t *m = decode(b, len, err, sizeof err);
    if (m || !strstr(err, want) || strchr(err, '\n')) {
        fprintf(stderr, "test_reader.c:%d: expected error containing \"%s\", got %s \"%s\"\n", line,
                want, m ? "success" : "error", err);
        failures++;
    }
    tfl_model_free(m);
}

#define EXPECT_KNOB(field, value, want)                                                            \
    do {                                                                                           \
        knobs_t k_ = default_knobs();                                                              \
        k_.field = value;                                                                          \
        build_model(&b, &k_, &lay);                                                                \
        expect_error(&b, b.len, want, __LINE__);                                                   \
    } while (0)

static void test_corruptions(void) {
    static tb_t b;
    layout_t lay;
    EXPECT_KNOB(version, 2, "model: schema version 2 is not supported (expected 3)");
    EXPECT_KNOB(input_index, 99, "op 0 (CONV_2D): inputs[1] = 99 is not a tensor index");
    EXPECT_KNOB(input_index, -2, "inputs[1] = -2 is not a tensor index");
    EXPECT_KNOB(output_index, -1, "op 1 (RESHAPE): outputs[0] = -1 is not a tensor index");
    EXPECT_KNOB(weight_buffer, 9, "tensor 1: buffer index 9 out of range (model has 4 buffers)");
    EXPECT_KNOB(weight_dim3, 3, "tensor 1: constant data is 4 bytes but 6 INT8 elements need 6");
    EXPECT_KNOB(zp_count, 1, "tensor 1: quantization has 2 scales but 1 zero points");
    EXPECT_KNOB(quant_dim, 5, "tensor 1: quantized_dimension 5 out of range for rank 4");
    EXPECT_KNOB(quant_dim, 1, "tensor 1: 2 per-axis scales but dimension 1 has size 1");
    EXPECT_KNOB(rank9, 1, "tensor 0: rank 9 exceeds the supported maximum 8");
    EXPECT_KNOB(neg_dim, 1, "tensor 0: shape dimension 1 is negative (-1)");
    EXPECT_KNOB(conv_options, 11, "op 0 (CONV_2D): options are AddOptions, expected Conv2DOptions");
    EXPECT_KNOB(nsubgraphs, 0, "model: model has no subgraphs");
    EXPECT_KNOB(ext_extra, 1, "buffer 2: external data");
    EXPECT_KNOB(opcode_index, 7, "op 1: opcode_index 7 out of range (model has 4 operator codes)");
}

static void test_patched(void) {
    static tb_t b, g;
    layout_t lay;
    knobs_t k = default_knobs();
    build_model(&b, &k, &lay);
    expect_error(&b, 0, "file is empty", __LINE__);
    expect_error(&b, 5, "file too short", __LINE__);
    expect_error(&b, b.len - 8, "buffer 2: external data", __LINE__);
    memset(g.buf, 0xAB, 64);
    expect_error(&g, 64, "not a TFLite model (file identifier \"\\xab\\xab\\xab\\xab\"", __LINE__);
    tb_put32(&b, lay.tensor0_shape, 1000);
    expect_error(&b, b.len, "tensor 0: shape vector runs past end of file (offset 0x", __LINE__);
    tb_put32(&b, lay.tensor0_shape, 0x7fffffff);
    expect_error(&b, b.len, "tensor 0: shape vector has 2147483647 elements, limit is", __LINE__);
    build_model(&b, &k, &lay);
    tb_put32(&b, lay.tensor0, 0x80000000u);
    expect_error(&b, b.len, "tensor 0: vtable lies outside the file", __LINE__);
    build_model(&b, &k, &lay);
    tb_put32(&b, 0, (uint32_t)b.len + 100);
    expect_error(&b, b.len, "model: root table starts past end of file", __LINE__);
    build_model(&b, &k, &lay);
    size_t vt = lay.tensor0 - (b.buf[lay.tensor0] | (size_t)b.buf[lay.tensor0 + 1] << 8);
    b.buf[vt + 6] = 0xF0; /* field 1 (type) offset beyond the table */
    b.buf[vt + 7] = 0xFF;
    expect_error(&b, b.len, "tensor 0: type field lies outside its table", __LINE__);
}

/* Invariants every successful decode must satisfy, whatever the input. */
static void check_invariants(const tfl_model_t *m, const uint8_t *buf, size_t len) {
    CHECK(m->nsubgraphs >= 1 && m->version == 3 && m->description && m->subgraph_name);
    for (int i = 0; i < m->ninputs; i++)
        CHECK(m->inputs[i] >= 0 && m->inputs[i] < m->ntensors);
    for (int i = 0; i < m->noutputs; i++)
        CHECK(m->outputs[i] >= 0 && m->outputs[i] < m->ntensors);
    for (int i = 0; i < m->ntensors; i++) {
        const tfl_tensor_t *t = &m->tensors[i];
        CHECK(t->name && t->rank >= 0 && t->rank <= TFL_MAX_RANK && t->nquant >= 0);
        CHECK(t->buffer < (uint32_t)m->nbuffers);
        if (t->data)
            CHECK(t->data >= buf && t->data_size <= len &&
                  (size_t)(t->data - buf) <= len - t->data_size);
        if (t->nquant > 1)
            CHECK(t->quant_dim >= 0 && t->quant_dim < t->rank &&
                  t->dims[t->quant_dim] == t->nquant);
        if (t->nquant)
            CHECK(t->scale && t->zero_point);
    }
    for (int i = 0; i < m->nops; i++) {
        const tfl_op_t *o = &m->ops[i];
        for (int j = 0; j < o->ninputs; j++)
            CHECK(o->inputs[j] >= -1 && o->inputs[j] < m->ntensors);
        for (int j = 0; j < o->noutputs; j++)
            CHECK(o->outputs[j] >= 0 && o->outputs[j] < m->ntensors);
        CHECK(o->opcode_index >= 0 && o->opcode_index < m->nopcodes &&
              o->opt.nslots <= TFL_OPT_MAX_SLOTS);
    }
}

/* Decode one variant; count successes; check the error is one line. */
static int try_variant(const uint8_t *buf, size_t len, int *ok) {
    char err[256] = "";
    tfl_model_t *m = NULL;
    if (tfl_model_read(buf, len, &m, err, sizeof err) == 0) {
        check_invariants(m, buf, len);
        tfl_model_free(m);
        (*ok)++;
        return 0;
    }
    if (m || !err[0] || strchr(err, '\n')) {
        fprintf(stderr, "bad failure report for %zu-byte variant: \"%s\"\n", len, err);
        failures++;
    }
    return -1;
}

static void test_model_file(const char *path) {
    char err[256];
    tfl_model_t *m;
    if (tfl_model_load_file(path, &m, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", path, err);
        failures++;
        return;
    }
    size_t len = m->file_size;
    uint8_t *copy = malloc(len);
    if (!copy)
        exit(2);
    memcpy(copy, m->file_bytes, len);
    check_invariants(m, m->file_bytes, len);
    tfl_model_free(m);
    int ok = 0, tried = 0;
    size_t step = len / 4000 + 1; /* every truncation for small files */
    for (size_t n = 0; n < len; n += step, tried++) {
        uint8_t *t = malloc(n ? n : 1); /* exact-size copy so ASan sees over-reads */
        if (!t)
            exit(2);
        memcpy(t, copy, n);
        try_variant(t, n, &ok);
        free(t);
    }
    for (size_t i = 0; i < len; i += step, tried += 2) { /* single-byte corruption */
        uint8_t saved = copy[i];
        copy[i] = (uint8_t)(saved ^ 0xFF);
        try_variant(copy, len, &ok);
        copy[i] = (uint8_t)(saved ^ 0x80);
        try_variant(copy, len, &ok);
        copy[i] = saved;
    }
    uint32_t seed = 12345;
    for (int it = 0; it < 3000; it++, tried++) { /* a few random bytes at once */
        uint8_t *t = malloc(len);
        if (!t)
            exit(2);
        memcpy(t, copy, len);
        for (int j = 0; j < 4; j++) {
            seed = seed * 1103515245u + 12345u;
            t[(seed >> 8) % len] = (uint8_t)(seed >> 24);
        }
        try_variant(t, len, &ok);
        free(t);
    }
    printf("%s: %zu bytes, %d corrupted variants decoded (%d accepted, rest rejected cleanly)\n",
           path, len, tried, ok);
    free(copy);
}

/* Writes the hand-built model (a fuzzing seed that reaches options vectors,
 * external buffers and custom ops, which converter output rarely has). */
static int write_seed(const char *path) {
    static tb_t b;
    layout_t lay;
    knobs_t k = default_knobs();
    build_model(&b, &k, &lay);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b.buf, 1, b.len, f) != b.len || fclose(f)) {
        fprintf(stderr, "test_reader: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--write-seed"))
        return write_seed(argv[2]);
    test_valid_model();
    test_corruptions();
    test_patched();
    for (int i = 1; i < argc; i++)
        test_model_file(argv[i]);
    if (failures) {
        fprintf(stderr, "test_reader: %d check(s) FAILED\n", failures);
        return 1;
    }
    printf("test_reader: all checks passed (%d model file(s))\n", argc - 1);
    return 0;
}
