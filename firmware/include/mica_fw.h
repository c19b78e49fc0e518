/* Mica firmware API: an MCU application runs a compiled model (`mica compile --emit-c`), with the
 * accelerator steps offloaded and everything else on the MCU, on the same runtime core libmica
 * runs on a host (driver/core). Modelled on the Ethos-U driver: a small API and weak hooks.
 *
 *   mica_fw_t dev;
 *   mica_fw_transport_t t = {"link", "timeout_ms=2000", MICA_FW_FALLBACK_CPU};
 *   mica_fw_init(&dev, &t);
 *   mica_fw_invoke(&dev, &model_mica, inputs, outputs);   // then mica_fw_layer() per step
 *
 * Backends (the firmware's registry): "link" (the accelerator on a board behind a UART, the
 * protocol of hw/link.json) and "cpu" (no accelerator: the ISA interpreter runs its steps). If the
 * accelerator is absent, reports an error or its link dies mid-invoke, FALLBACK_CPU runs the whole
 * inference again on the CPU (and says why); FALLBACK_NONE returns the status. Every wait is
 * bounded, and the next invoke tries the accelerator again. */
#ifndef MICA_FW_H
#define MICA_FW_H
#include <stdint.h>
#include "mica.h"
#include "mica_program.h"

typedef enum { MICA_FW_FALLBACK_NONE = 0, MICA_FW_FALLBACK_CPU = 1 } mica_fw_fallback_t;

typedef struct {
    const char *backend; /* "link" or "cpu" */
    const char *options; /* the backend's options, "" for none (e.g. "timeout_ms=2000,tries=8") */
    mica_fw_fallback_t fallback;
} mica_fw_transport_t;

typedef struct {
    mica_fw_transport_t t;
    mica_ctx_t *ctx;             /* the context of the last invoke */
    const mica_program_t *model; /* loaded in ctx */
    int on_cpu;                  /* the last invoke ran on the CPU fallback */
    char why[320];               /* why it fell back, or the last error; "" when none */
} mica_fw_t;

mica_status_t mica_fw_init(mica_fw_t *dev, const mica_fw_transport_t *t);
/* Opens the backend and loads model now (its image goes to the accelerator), so the first
 * invoke costs what every other does; optional: mica_fw_invoke does it when needed. */
mica_status_t mica_fw_prepare(mica_fw_t *dev, const mica_program_t *model);
/* inputs[i] / outputs[i]: the model's tensors in order, each mica_input_info().bytes long. */
mica_status_t mica_fw_invoke(mica_fw_t *dev, const mica_program_t *model,
                             const void *const *inputs, void *const *outputs);
/* Per step of the last invoke: name, placement, cycles (accelerator) and MCU time. */
mica_status_t mica_fw_layer(const mica_fw_t *dev, int step, mica_layer_info_t *info);
void mica_fw_close(mica_fw_t *dev);

/* Weak hooks, empty unless the application defines them (e.g. to power the accelerator up, or
 * to trace): around each invoke. */
void mica_fw_inference_begin(mica_fw_t *dev);
void mica_fw_inference_end(mica_fw_t *dev, mica_status_t status);

#endif
