/* The 16x8 kernels of BATCH_MATMUL and TRANSPOSE_CONV, CAST with an int16 side and PRELU: each takes
 * its int8 sibling's parameter block (mica_kernels.h) with 2-byte activations; mica_kernels_int16.h
 * puts them in the int16 list.
 * BATCH_MATMUL16 (batch_matmul16.c): mica_batch_matmul_params_t, int16 lhs, rhs and output with
 *   zero points 0 (as TFLite's int16 path requires), a 64-bit accumulator and TFLite's int64
 *   MultiplyByQuantizedMultiplier; a constant operand in int16 elements.
 * TRANSPOSE_CONV16 (transpose_conv16.c): mica_conv_params_t as TRANSPOSE_CONV's, int16 input and
 *   output, int8 per-channel weights, biases (int64 in the model) in the int32 range, 64-bit
 *   accumulator and the int64 requantization of CONV_2D16.
 * CAST16: cast.c's kernel with MICA_CAST_INT16 on one side (raw values, as TFLite's cast.cc).
 * PRELU16: binary16.c's kernel with op MICA_BIN_PRELU: int16 x and output, the int8 alpha
 *   constant widened to int16 elements, the int8 kernel's arithmetic (TFLite's
 *   BroadcastPrelu4DSlow<int16_t, int8_t>), clamped to int16.
 * SQUARED_DIFFERENCE16: binary16.c's kernel with op MICA_BIN_SQDIFF: TFLite Micro's int16 path
 *   (squared_difference.cc; LiteRT has none): zero points 0, both inputs rescaled as ADD16's but
 *   with left shift 0, the difference squared (< 2^31: each rescaled input is at most half the
 *   larger scale's range), then QuantizeMultiplier's out_mult/out_shift, clamped to int16. */
#ifndef MICA_KERNELS_INT16C_H
#define MICA_KERNELS_INT16C_H

#define MICA_KERNEL_LIST_INT16C(X)                                                                 \
    X(116, BATCH_MATMUL16, mica_k_batch_matmul16)                                                  \
    X(117, TRANSPOSE_CONV16, mica_k_transpose_conv16)                                              \
    X(118, CAST16, mica_k_cast)                                                                    \
    X(119, PRELU16, mica_k_binary16)                                                               \
    X(141, SQUARED_DIFFERENCE16, mica_k_binary16)

#endif
