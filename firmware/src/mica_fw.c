/* The firmware API (include/mica_fw.h) over the runtime core's mica.h: portable, no MCU specifics. */
#include <string.h>
#include "mica_fmt.h"
#include "mica_fw.h"

__attribute__((weak)) void mica_fw_inference_begin(mica_fw_t *dev) {
    (void)dev;
}

__attribute__((weak)) void mica_fw_inference_end(mica_fw_t *dev, mica_status_t status) {
    (void)dev;
    (void)status;
}

mica_status_t mica_fw_init(mica_fw_t *dev, const mica_fw_transport_t *t) {
    if (!dev || !t || !t->backend)
        return MICA_E_ARG;
    memset(dev, 0, sizeof *dev);
    dev->t = *t;
    if (!dev->t.options)
        dev->t.options = "";
    return MICA_OK;
}

static void drop(mica_fw_t *dev) {
    mica_close(dev->ctx);
    dev->ctx = NULL;
    dev->model = NULL;
}

/* Opens backend (with options) and loads model; the message of a failure in dev->why. */
static mica_status_t attach(mica_fw_t *dev, const char *backend, const char *options,
                            const mica_program_t *model) {
    char spec[320];
    mica_snprintf(spec, sizeof spec, "%s%s%s", backend, *options ? ":" : "", options);
    mica_status_t s = mica_open(spec, &dev->ctx);
    if (s != MICA_OK) {
        char err[256];
        mica_check_backend(spec, err, sizeof err);
        mica_snprintf(dev->why, sizeof dev->why, "backend %s: %s (%s)", backend,
                      mica_status_name(s), err);
        return s;
    }
    s = mica_load_program(dev->ctx, model);
    if (s != MICA_OK) {
        mica_snprintf(dev->why, sizeof dev->why, "%s", mica_last_error(dev->ctx));
        drop(dev);
        return s;
    }
    dev->model = model;
    return MICA_OK;
}

static mica_status_t run(mica_fw_t *dev, const void *const *inputs, void *const *outputs) {
    mica_ctx_t *c = dev->ctx;
    mica_tensor_info_t info;
    mica_status_t s = MICA_OK;
    for (int i = 0; s == MICA_OK && i < mica_num_inputs(c); i++)
        if ((s = mica_input_info(c, i, &info)) == MICA_OK)
            s = mica_set_input(c, i, inputs[i], info.bytes);
    if (s == MICA_OK)
        s = mica_invoke(c);
    for (int i = 0; s == MICA_OK && i < mica_num_outputs(c); i++)
        if ((s = mica_output_info(c, i, &info)) == MICA_OK)
            s = mica_get_output(c, i, outputs[i], info.bytes);
    if (s != MICA_OK)
        mica_snprintf(dev->why, sizeof dev->why, "%s", mica_last_error(c));
    return s;
}

mica_status_t mica_fw_prepare(mica_fw_t *dev, const mica_program_t *model) {
    if (!dev || !model)
        return MICA_E_ARG;
    if (dev->ctx && dev->model == model)
        return MICA_OK;
    if (dev->ctx)
        drop(dev);
    return attach(dev, dev->t.backend, dev->t.options, model);
}

/* The accelerator's attempt: a context kept between invokes, reopened after any failure. */
static mica_status_t try_backend(mica_fw_t *dev, const mica_program_t *model,
                                 const void *const *inputs, void *const *outputs) {
    mica_status_t s = MICA_OK;
    if (dev->ctx && dev->model != model)
        drop(dev);
    if (!dev->ctx)
        s = attach(dev, dev->t.backend, dev->t.options, model);
    if (s == MICA_OK)
        s = run(dev, inputs, outputs);
    if (s != MICA_OK && dev->ctx)
        drop(dev); /* a device that failed is reopened (and PINGed) next time */
    return s;
}

mica_status_t mica_fw_invoke(mica_fw_t *dev, const mica_program_t *model,
                             const void *const *inputs, void *const *outputs) {
    if (!dev || !model || !inputs || !outputs)
        return MICA_E_ARG;
    mica_fw_inference_begin(dev);
    if (dev->on_cpu)
        drop(dev); /* the last invoke fell back: the accelerator gets its chance again */
    dev->why[0] = 0;
    dev->on_cpu = 0;
    mica_status_t s = try_backend(dev, model, inputs, outputs);
    int retry = s == MICA_E_BACKEND || s == MICA_E_TIMEOUT || s == MICA_E_HW || s == MICA_E_CONFIG;
    if (s != MICA_OK && retry && dev->t.fallback == MICA_FW_FALLBACK_CPU &&
        strcmp(dev->t.backend, "cpu")) {
        char first[sizeof dev->why];
        mica_snprintf(first, sizeof first, "%s", dev->why);
        s = attach(dev, "cpu", "", model);
        if (s == MICA_OK)
            s = run(dev, inputs, outputs);
        dev->on_cpu = 1;
        if (s == MICA_OK)
            mica_snprintf(dev->why, sizeof dev->why, "ran on the CPU: %s", first);
    }
    mica_fw_inference_end(dev, s);
    return s;
}

mica_status_t mica_fw_layer(const mica_fw_t *dev, int step, mica_layer_info_t *info) {
    return dev && dev->ctx ? mica_layer_info(dev->ctx, step, info) : MICA_E_STATE;
}

void mica_fw_close(mica_fw_t *dev) {
    if (dev && dev->ctx)
        drop(dev);
}
