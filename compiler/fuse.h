/* Pass: GEMV fusion. After a GEMM-shaped layer is emitted, each run of LOADW + MATMUL pairs over
 * consecutive input folds of one row of pixels (a FULLY_CONNECTED, a small 1x1 convolution)
 * becomes one GEMV (hw/mica.json, feature GEMV), which issue expands into the same operations:
 * the instruction fetch moves 16 bytes per run instead of 32 per weight tile. Wait bits keep
 * their meaning: a GEMV's operations count as the LOADWs and MATMULs they are. */
#ifndef MICA_FUSE_H
#define MICA_FUSE_H
#include "builder.h"

/* Fuses the instructions from index `first` to the end of b's code in place (nothing where the
 * configuration lacks GEMV). */
void mica_fuse_gemv(mica_builder_t *b, uint32_t first);

#endif
