/* Pass 0, fold: the static shape arithmetic that default-converted models carry (Keras Flatten
 * becomes SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE) evaluated at compile time, so RESHAPE sees a
 * constant shape. Only int32 operators whose every input is constant (or, for SHAPE, has a static
 * shape) fold: SHAPE, STRIDED_SLICE (1-D, no ellipsis or new axes), PACK and CONCATENATION of
 * 1-D or scalar int32. A BROADCAST_TO output whose shape the model leaves open (absent, or -1 in
 * its shape_signature) takes the constant target shape, given or folded. */
#ifndef MICA_FOLD_H
#define MICA_FOLD_H
#include <stddef.h>
#include "tflite/tflite_reader.h"

typedef struct mica_folded mica_folded_t;

/* The model with the foldable operators evaluated: *view is m itself when nothing folds (the
 * program stays byte for byte what it was), else a copy with constant data in the folded
 * operators' outputs and those operators removed. *owned (free with mica_fold_free) keeps the
 * copy alive. 0, or -1 with a one-line message. */
int mica_fold(const tfl_model_t *m, const tfl_model_t **view, mica_folded_t **owned, char *err,
              size_t errlen);
void mica_fold_free(mica_folded_t *f);

#endif
