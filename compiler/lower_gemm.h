/* Lowering of convolution-shaped layers onto the accelerator: CONV_2D and FULLY_CONNECTED on the
 * systolic array, DEPTHWISE_CONV_2D on the vector unit beside it (DWCONV). */
#ifndef MICA_LOWER_GEMM_H
#define MICA_LOWER_GEMM_H
#include <stdint.h>
#include "builder.h"
#include "tflite/tflite_reader.h"

/* A convolution in accelerator terms; FULLY_CONNECTED is the 1x1 case with batch rows as pixels. */
typedef struct {
    const char *name;
    int in_h, in_w, cin, out_h, out_w, cout;
    int kh, kw, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left;
    const int8_t *weights;       /* [cout][kh][kw][cin] */
    const int32_t *bias;         /* [cout] or NULL */
    const int32_t *mult, *shift; /* per output channel requantization */
    const int32_t *mult_lo;      /* round mode REAL: low 21 bits of the 53-bit multiplier */
    int32_t z_in, z_out, act_min, act_max;
    uint32_t round_mode; /* STORE.round: MICA_STORE_ROUND_DOUBLE, _SINGLE or _REAL (FC reference) */
    int depthwise;       /* DEPTHWISE_CONV_2D, multiplier 1: weights [kh][kw][cout], cin == cout */
    int pool;            /* depthwise with the same weights for every tap (one LOADW per fold) */
    int vec_max;         /* depthwise taps keep the maximum (DWCONV mode MAXIMUM: MAX_POOL_2D) */
    const uint8_t
        *pixel_set; /* or NULL; else output pixel p uses PARAM set pixel_set[p] for every */
    int nsets;      /* channel, set k = bias 0, mult[k], shift[k], mult_lo[k] (border pools) */
    uint32_t in_addr, out_addr; /* arena addresses, NHWC */
    /* 0: the output is dense NHWC; else output pixel (y, x) is at out_addr + y * out_row_step +
     * x * out_pixel_step (TRANSPOSE_CONV's phases write every stride-th pixel, lower_tconv.c) */
    uint32_t out_pixel_step, out_row_step;
    /* On-chip chains (lower.c mica_chain_*): in_aspad: the input is already in ASPAD from the
     * previous layer's STOREs, input fold f's pixel m at row aspad_base + f * pixels + m (what a
     * one-band LOAD would have written), so the layer loads no input; out_aspad: the STOREs write
     * output fold n's pixel m to ASPAD row out_base + n * pixels + m instead of out_addr. Either
     * plans its own buffers below every row held while it runs (b->res_work). */
    int in_aspad, out_aspad;
    uint32_t aspad_base, out_base;
} mica_gemm_layer_t;

/* Emits the layer's instructions, ending with END. 0, or -1 with b->err set. */
int mica_lower_gemm(mica_builder_t *b, const mica_gemm_layer_t *L, uint64_t *est_cycles);
/* One of several layers in one step: `last` ends it with END, else with a SYNC draining every
 * unit, so the next part starts with no hazard outstanding. 0, or -1 with b->err set. */
int mica_lower_gemm_part(mica_builder_t *b, const mica_gemm_layer_t *L, int last);
/* Records the instructions emitted since `first` as op's accelerator step (its first ninputs
 * inputs are activations). 0, or -1 with b->err set. */
int mica_accel_step(mica_builder_t *b, const tfl_op_t *op, const char *name, uint32_t first,
                    int ninputs, uint64_t macs);
/* Lowers the layer as the accelerator step of op (lower_conv_fc.c). 0, or -1 with b->err set. */
int mica_emit_gemm_step(mica_builder_t *b, const tfl_op_t *op, const mica_gemm_layer_t *L,
                        uint64_t macs);

/* Shared by the lowerings of convolution-shaped operators (lower_conv_fc.c): the filter is rank
 * `rank` with per-tensor or per-output-channel (dimension qdim) usable scales; the bias absent or
 * a constant int32 vector of cout; requantization (multiplier, shift, round mode as measured for
 * `builtin`, fused activation `act` clamp, zero points) of in x w -> out into L, with mult, mult_lo
 * and shift arrays of L->cout (L->weights, L->bias, L->cin set: FULLY_CONNECTED's REAL check).
 * 0, or -1 with b->err naming op idx and the value. */
int mica_check_filter(mica_builder_t *b, const tfl_tensor_t *w, int idx, int rank, int cout,
                      int qdim);
int mica_check_bias(mica_builder_t *b, const tfl_tensor_t *bias, int idx, int cout);
int mica_gemm_requant(mica_builder_t *b, int idx, int builtin, int act, const tfl_tensor_t *in,
                      const tfl_tensor_t *w, const tfl_tensor_t *out, mica_gemm_layer_t *L,
                      int32_t *mult, int32_t *mult_lo, int32_t *shift);
/* Shapes, strides, dilations and TF padding of a CONV_2D or DEPTHWISE_CONV_2D op into L. 0. */
int mica_conv_window(const tfl_op_t *op, const tfl_tensor_t *in, const tfl_tensor_t *w,
                     const tfl_tensor_t *out, mica_gemm_layer_t *L);

#endif
