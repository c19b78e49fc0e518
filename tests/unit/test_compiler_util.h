/* Shared by the compiler's unit tests (tests/unit/test_compiler_*.c): a check macro and small
 * TFLite graphs built as plain structs, no .tflite file and no TensorFlow. */
#ifndef TEST_COMPILER_UTIL_H
#define TEST_COMPILER_UTIL_H
#include <stdio.h>
#include <string.h>
#include "tflite/tflite_reader.h"
#include "test_check.h"

static inline void check_has(const char *text, const char *want, const char *file, int line) {
    checks++;
    if (text && strstr(text, want))
        return;
    failures++;
    printf("FAIL %s:%d: '%s' does not contain '%s'\n", file, line, text ? text : "(null)", want);
}
#define CHECK_HAS(text, want) check_has((text), (want), __FILE__, __LINE__)
#define TEST_DONE(name)                                                                            \
    (printf("%s: %d checks, %d failures\n", (name), checks, failures), failures ? 1 : 0)

/* One operator over up to 8 tensors; tensor storage is static in the fixture. */
typedef struct {
    tfl_model_t m;
    tfl_tensor_t t[8];
    tfl_op_t op;
    int32_t in[3], out[1];
    float scale[8][4];
    int64_t zp[8][4];
    char name[8][8];
    int8_t weights[4096];
    int32_t bias[64];
} fixture_t;

static inline void fx_tensor(fixture_t *f, int i, int type, int rank, const int *dims, float scale,
                             int64_t zp) {
    tfl_tensor_t *t = &f->t[i];
    memset(t, 0, sizeof *t);
    t->type = type;
    t->rank = rank;
    for (int d = 0; d < rank; d++)
        t->dims[d] = dims[d];
    snprintf(f->name[i], sizeof f->name[i], "t%d", i);
    t->name = f->name[i];
    t->scale = f->scale[i];
    t->zero_point = f->zp[i];
    t->nquant = 1;
    f->scale[i][0] = scale;
    f->zp[i][0] = zp;
}

static inline void fx_const(fixture_t *f, int i, const void *data, size_t size) {
    f->t[i].data = data;
    f->t[i].data_size = size;
}

static inline void fx_opt(fixture_t *f, int field, int64_t v) {
    f->op.has_options = 1;
    if (f->op.opt.nslots <= field)
        f->op.opt.nslots = field + 1;
    f->op.opt.slot[field].present = 1;
    f->op.opt.slot[field].kind = TFL_FK_I32;
    f->op.opt.slot[field].i = v;
}

/* op(builtin) reading tensors 0..nin-1, writing tensor nin. */
static inline void fx_op(fixture_t *f, int builtin, int nin) {
    memset(&f->op, 0, sizeof f->op);
    f->op.builtin = builtin;
    f->op.ninputs = nin;
    f->op.inputs = f->in;
    for (int k = 0; k < nin; k++)
        f->in[k] = k;
    f->op.noutputs = 1;
    f->op.outputs = f->out;
    f->out[0] = nin;
    memset(&f->m, 0, sizeof f->m);
    f->m.nsubgraphs = 1;
    f->m.ntensors = nin + 1;
    f->m.tensors = f->t;
    f->m.nops = 1;
    f->m.ops = &f->op;
}

/* CONV_2D 1x8x8xcin -> 1x8x8xcout, 3x3 SAME, stride 1: every rule holds. */
static inline void fx_conv(fixture_t *f, int cin, int cout) {
    int in[4] = {1, 8, 8, cin}, w[4] = {cout, 3, 3, cin}, b[1] = {cout}, out[4] = {1, 8, 8, cout};
    fx_tensor(f, 0, TFL_TYPE_INT8, 4, in, 0.5f, -3);
    fx_tensor(f, 1, TFL_TYPE_INT8, 4, w, 0.01f, 0);
    fx_const(f, 1, f->weights, (size_t)cout * 9 * cin);
    fx_tensor(f, 2, TFL_TYPE_INT32, 1, b, 0.005f, 0);
    fx_const(f, 2, f->bias, (size_t)cout * 4);
    fx_tensor(f, 3, TFL_TYPE_INT8, 4, out, 0.25f, 4);
    fx_op(f, TFL_OP_CONV_2D, 3);
    fx_opt(f, TFL_CONV2D_PADDING, TFL_PADDING_SAME);
    fx_opt(f, TFL_CONV2D_STRIDE_W, 1);
    fx_opt(f, TFL_CONV2D_STRIDE_H, 1);
}

#endif
