/* The kernels on int32 tensors inside the graph (loop counters, index arithmetic, run-time
 * GATHER indices); mica_kernels.h puts them in MICA_KERNEL_LIST. Their ids start at 160.
 * ADD_I32 ... MINIMUM_I32 take the binary block (mica_binary_params_t: op, shape, strides in
 * elements, constants of 4-byte elements; act_min / act_max the int32 clamp of the fused
 * activation, as TFLite's int32 ADD / SUB / MUL; sums and products wrap). EQUAL_I32 ...
 * GREATER_EQUAL_I32 and SELECT_I32 take the logic block (mica_logic_params_t; its scaled tables
 * are unused): comparisons of int32 values give bool bytes; SELECT_I32 picks int32 elements. */
#ifndef MICA_KERNELS_INT32_H
#define MICA_KERNELS_INT32_H
#include <stdint.h>

#define MICA_KERNEL_LIST_INT32(X)                                                                  \
    X(160, ADD_I32, mica_k_binary_i32)                                                             \
    X(161, SUB_I32, mica_k_binary_i32)                                                             \
    X(162, MUL_I32, mica_k_binary_i32)                                                             \
    X(163, MAXIMUM_I32, mica_k_binary_i32)                                                         \
    X(164, MINIMUM_I32, mica_k_binary_i32)                                                         \
    X(165, EQUAL_I32, mica_k_logic_i32)                                                            \
    X(166, NOT_EQUAL_I32, mica_k_logic_i32)                                                        \
    X(167, LESS_I32, mica_k_logic_i32)                                                             \
    X(168, LESS_EQUAL_I32, mica_k_logic_i32)                                                       \
    X(169, GREATER_I32, mica_k_logic_i32)                                                          \
    X(170, GREATER_EQUAL_I32, mica_k_logic_i32)                                                    \
    X(171, SELECT_I32, mica_k_logic_i32)                                                           \
    X(172, GATHER_INDEXED, mica_k_take_indexed)

/* GATHER with run-time int32 indices: out[o][i][:] = in[o][index[i]][:] for o < outer,
 * i < count, inner_bytes bytes per row (int8 or int32 elements, copied). Operands: the params
 * tensor unless it is a constant (table_len > 0: table_off bytes into the parameter block), then
 * the indices. An index outside 0..axis_len-1 fails the step (TFLite fails the invoke). */
typedef struct {
    int32_t outer, axis_len, inner_bytes, count;
    uint32_t table_off, table_len;
} mica_take_indexed_params_t;

/* A kernel's return value for an index operand outside its axis (cpu_steps.c names it). */
#define MICA_KERNEL_E_INDEX (-2)

#endif
