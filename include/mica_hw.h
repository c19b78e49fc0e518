/* The hardware configuration a program is compiled for and a device is built with: the parameters
 * of hw/mica.json "config", as the CONFIG0..2 CSRs report them. Compiler, cost model, runtime and
 * every backend read this one struct. */
#ifndef MICA_HW_H
#define MICA_HW_H
#include <stdint.h>

/* Hardware configuration a device is built with (CONFIG0..2 CSRs). */
typedef struct {
    uint32_t rows, cols, aspad_depth, wspad_depth, acc_depth, param_sets, bus_bytes;
} mica_hw_config_t;

#endif
