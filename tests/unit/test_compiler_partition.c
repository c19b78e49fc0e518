/* Partition rules (compiler/partition.c): for each rule an accepted and a refused operator, the
 * rule's text as the reason and the detail naming the offending value. */
#include <stdlib.h>
#include "partition.h"
#include "test_compiler_util.h"

static fixture_t F;

/* The reason (NULL = accelerator) and its detail for F's operator. */
static const char *place(const char *cpu_ops, char *detail) {
    mica_partition_opts_t o = {cpu_ops};
    return mica_accel_reason(&F.m, &F.op, &o, detail, 256);
}

#define REFUSED(rule_text, detail_text)                                                            \
    do {                                                                                           \
        char d_[256];                                                                              \
        const char *r_ = place(NULL, d_);                                                          \
        CHECK_HAS(r_, rule_text);                                                                  \
        CHECK_HAS(d_, detail_text);                                                                \
    } while (0)
#define ACCEPTED()                                                                                 \
    do {                                                                                           \
        char d_[256];                                                                              \
        const char *r_ = place(NULL, d_);                                                          \
        CHECK(r_ == NULL, "refused: %s (%s)", r_ ? r_ : "", d_);                                   \
    } while (0)

static void conv_rules(void) {
    fx_conv(&F, 4, 8);
    ACCEPTED();
    fx_conv(&F, 4, 8);
    F.op.builtin = TFL_OP_SOFTMAX;
    REFUSED("the accelerator runs", "operator SOFTMAX");
    fx_conv(&F, 4, 8);
    F.t[0].type = TFL_TYPE_FLOAT32;
    REFUSED("int8 activation", "input 't0' is FLOAT32");
    fx_conv(&F, 4, 8);
    F.zp[3][0] = 300;
    REFUSED("int8 activation", "output 't3' zero point 300 outside -128..127");
    fx_conv(&F, 4, 8);
    F.t[1].data = NULL;
    REFUSED("weights must be constant", "weights 't1' are not constant");
    fx_conv(&F, 4, 8);
    F.t[1].type = TFL_TYPE_INT16;
    REFUSED("dense int8", "weights 't1' are INT16");
    fx_conv(&F, 4, 8);
    F.zp[1][0] = 3;
    REFUSED("symmetric", "weight zero point 3 (channel 0)");
    fx_conv(&F, 4, 8);
    F.t[2].type = TFL_TYPE_INT64;
    REFUSED("bias must be", "bias 't2' is INT64");
    fx_conv(&F, 4, 8);
    F.t[0].dims[0] = 2;
    REFUSED("batch 1", "batch 2");
    fx_conv(&F, 4, 8);
    F.t[1].dims[3] = 2;
    REFUSED("grouped convolution", "filter depth 2 != input depth 4");
    fx_conv(&F, 4, 8);
    fx_opt(&F, TFL_CONV2D_STRIDE_H, 17);
    REFUSED("stride must be 1..15", "stride_h 17 > 15 (MATMUL stride_y max)");
    fx_conv(&F, 4, 8);
    fx_opt(&F, TFL_CONV2D_STRIDE_W, 0);
    REFUSED("stride must be", "stride_w 0 < 1 (MATMUL stride_x min)");
    fx_conv(&F, 4, 8);
    fx_opt(&F, TFL_CONV2D_STRIDE_H, 15);
    fx_opt(&F, TFL_CONV2D_STRIDE_W, 15);
    ACCEPTED();
    fx_conv(&F, 4, 8);
    fx_opt(&F, TFL_CONV2D_ACTIVATION, TFL_ACT_TANH);
    REFUSED("fused activation must be", "fused activation TANH");
    fx_conv(&F, 4, 8);
    fx_opt(&F, TFL_CONV2D_ACTIVATION, TFL_ACT_RELU6);
    ACCEPTED();
    char d[256];
    fx_conv(&F, 4, 8);
    CHECK_HAS(place("SOFTMAX,CONV_2D", d), "forced onto the CPU by --cpu");
    CHECK(place("CONV_2D_X", d) == NULL, "--cpu CONV_2D_X must not match CONV_2D");
}

/* DEPTHWISE_CONV_2D 1x8x8x4, filter [1, 3, 3, 4 * mult]. */
static void fx_dw(int mult) {
    fx_conv(&F, 4, 4 * mult);
    int w[4] = {1, 3, 3, 4 * mult};
    for (int d = 0; d < 4; d++)
        F.t[1].dims[d] = w[d];
    F.op.builtin = TFL_OP_DEPTHWISE_CONV_2D;
    memset(&F.op.opt, 0, sizeof F.op.opt);
    fx_opt(&F, TFL_DWCONV_STRIDE_W, 1);
    fx_opt(&F, TFL_DWCONV_STRIDE_H, 1);
}

static void dw_rules(void) {
    fx_dw(1);
    ACCEPTED();
    fx_dw(2);
    ACCEPTED();
    fx_dw(1);
    F.t[1].dims[0] = 2;
    REFUSED("filter must be [1, kh, kw", "filter [2, 3, 3, 4] for 4 input channels");
    fx_dw(1);
    F.t[1].dims[3] = 6;
    REFUSED("filter must be [1, kh, kw", "filter [1, 3, 3, 6] for 4 input channels");
    fx_dw(1);
    fx_opt(&F, TFL_DWCONV_STRIDE_W, 16);
    REFUSED("stride must be", "stride_w 16 > 15 (DWCONV stride_x max)");
    fx_dw(2);
    fx_opt(&F, TFL_DWCONV_STRIDE_W, 16); /* multiplier 2 runs on the array */
    REFUSED("stride must be", "stride_w 16 > 15 (MATMUL stride_x max)");
}

/* AVERAGE_POOL_2D 1x8x8x4 -> 1xohxowx4 with filter fh x fw, stride s. */
static void fx_pool(int fh, int fw, int s, int oh, int ow) {
    int in[4] = {1, 8, 8, 4}, out[4] = {1, oh, ow, 4};
    fx_tensor(&F, 0, TFL_TYPE_INT8, 4, in, 0.5f, -3);
    fx_tensor(&F, 1, TFL_TYPE_INT8, 4, out, 0.5f, -3);
    fx_op(&F, TFL_OP_AVERAGE_POOL_2D, 1);
    fx_opt(&F, TFL_POOL_PADDING, TFL_PADDING_VALID);
    fx_opt(&F, TFL_POOL_FILTER_H, fh);
    fx_opt(&F, TFL_POOL_FILTER_W, fw);
    fx_opt(&F, TFL_POOL_STRIDE_H, s);
    fx_opt(&F, TFL_POOL_STRIDE_W, s);
}

static void pool_rules(void) {
    fx_pool(2, 2, 2, 4, 4);
    ACCEPTED();
    fx_pool(2, 2, 2, 4, 4);
    F.zp[1][0] = 5;
    REFUSED("share scale and zero point", "input zero point -3 != output 5");
    fx_pool(2, 2, 2, 4, 4);
    F.scale[1][0] = 0.25f;
    REFUSED("share scale and zero point", "input scale 0.5 != output 0.25");
    fx_pool(2, 300, 2, 4, 4);
    REFUSED("pool filter must be 1..256", "filter_w 300 outside 1..256");
    fx_pool(2, 2, 16, 2, 2);
    REFUSED("stride 1..15", "stride_h 16 > 15 (DWCONV stride_y max)");
    fx_pool(8, 8, 16, 1, 1); /* one output pixel: the stride is never used */
    ACCEPTED();
    fx_pool(2, 2, 2, 4, 4);
    fx_opt(&F, TFL_POOL_ACTIVATION, TFL_ACT_SIGN_BIT);
    REFUSED("fused activation must be", "fused activation SIGN_BIT");
}

/* ADD of two 1x4x4x8 activations with the given input scales. */
static void fx_add(float s0, float s1) {
    int dims[4] = {1, 4, 4, 8};
    fx_tensor(&F, 0, TFL_TYPE_INT8, 4, dims, s0, 1);
    fx_tensor(&F, 1, TFL_TYPE_INT8, 4, dims, s1, -2);
    fx_tensor(&F, 2, TFL_TYPE_INT8, 4, dims, 0.5f, 0);
    fx_op(&F, TFL_OP_ADD, 2);
}

static void add_rules(void) {
    fx_add(0.25f, 0.5f);
    ACCEPTED();
    fx_add(0.25f, 0.5f);
    F.t[1].dims[2] = 3;
    REFUSED("output's shape", "input 1 dimension 2 is 3, output's 4");
    fx_add(0.25f, 0.5f);
    F.t[1].rank = 3;
    REFUSED("output's shape", "input 1 rank 3, output rank 4");
    fx_add(0.25f, 0.5f);
    F.scale[2][0] = 1e-7f; /* output multiplier above 1 */
    REFUSED("TFLite's int8 ADD arithmetic", "give an output multiplier 9.5");
}

int main(void) {
    conv_rules();
    dw_rules();
    pool_rules();
    add_rules();
    return TEST_DONE("test_compiler_partition");
}
