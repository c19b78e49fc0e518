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
} mica_gemm_layer_t;

/* Emits the layer's instructions, ending with END. 0, or -1 with b->err set. */
int mica_lower_gemm(mica_builder_t *b, const mica_gemm_layer_t *L, uint64_t *est_cycles);
/* Records the instructions emitted since `first` as op's accelerator step (its first ninputs
 * inputs are activations). 0, or -1 with b->err set. */
int mica_accel_step(mica_builder_t *b, const tfl_op_t *op, const char *name, uint32_t first,
                    int ninputs, uint64_t macs);
/* Lowers the layer as the accelerator step of op (lower_conv_fc.c). 0, or -1 with b->err set. */
int mica_emit_gemm_step(mica_builder_t *b, const tfl_op_t *op, const mica_gemm_layer_t *L,
                        uint64_t macs);

#endif
