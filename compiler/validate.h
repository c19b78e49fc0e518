/* Model validation before lowering, as TFLite's Prepare would do it: graph structure (each tensor
 * written once, before it is read), operand counts, option tables and values, and every
 * operator's output shape derived from its inputs and compared with the declared one. */
#ifndef MICA_VALIDATE_H
#define MICA_VALIDATE_H
#include <stddef.h>
#include "tflite/tflite_reader.h"

/* 0, or -1 with one line in err naming the operator, the tensor and the values. */
int mica_validate_model(const tfl_model_t *m, char *err, size_t errlen);

#endif
