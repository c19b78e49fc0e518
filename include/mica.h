/* libmica: run compiled Mica programs on any target through one small API.
 *
 *   mica_ctx_t *ctx;
 *   if (mica_open("rtl", &ctx) != MICA_OK) ...            // or "func", "rtl:array=8x8,latency=20"
 *   mica_load_file(ctx, "model.mica");
 *   mica_set_input(ctx, 0, data, bytes);
 *   mica_invoke(ctx);
 *   mica_get_output(ctx, 0, out, bytes);
 *   mica_close(ctx);
 *
 * Every call returns a mica_status_t; mica_last_error(ctx) gives the one-line message.
 * Backend spec: "NAME[:key=value,...]"; unknown keys and out-of-range values are refused.
 * Both: max_cycles=1..10^12 (per accelerator step; default derived from the step's estimate).
 * rtl: array=RxC (default: the program's), latency=1..1000 (memory latency cycles),
 * bw=1..64 (memory bytes per cycle), trace=FILE, trace_from=N, trace_to=N.
 * func: array=RxC, plan=0|1, vnni=0|1.
 */
#ifndef MICA_H
#define MICA_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    MICA_OK = 0,
    MICA_E_ARG,     /* invalid argument (NULL, index out of range) */
    MICA_E_NOMEM,   /* allocation failed */
    MICA_E_IO,      /* file could not be read */
    MICA_E_FORMAT,  /* program binary corrupted or not a Mica program */
    MICA_E_CONFIG,  /* program compiled for another array / memory configuration */
    MICA_E_SHAPE,   /* input size or type does not match the model */
    MICA_E_BACKEND, /* unknown backend or backend failed to start */
    MICA_E_TIMEOUT, /* accelerator did not finish within the cycle limit */
    MICA_E_HW,      /* accelerator reported an error status (ERROR CSR) */
    MICA_E_STATE,   /* call out of order (e.g. invoke before load) */
    MICA_E_KERNEL   /* a CPU fallback kernel rejected its parameters */
} mica_status_t;

typedef struct mica_ctx mica_ctx_t;

typedef struct {
    const char *name;
    int dtype; /* mica_dtype_t (mica_program.h): 1 int8, 2 int32, 3 float32, 4 int64, 5 int16 */
    int rank;
    int32_t dims[6];
    float scale;
    int32_t zero_point;
    size_t bytes;
    int32_t index_count; /* int32 indices (GATHER, EMBEDDING_LOOKUP): valid values 0..n-1; else 0 */
} mica_tensor_info_t;

typedef struct {
    const char *name;
    int on_accel;   /* 1 = accelerator step, 0 = CPU fallback kernel */
    const char *op; /* operator name, e.g. "CONV_2D", "SOFTMAX" */
    uint64_t macs;
    uint64_t est_cycles; /* compiler estimate */
    uint64_t cycles;     /* of the last invoke (accelerator cycles; 0 for CPU steps); an estimate
                          * when mica_cycles_estimated() */
    uint64_t host_ns;    /* wall time of the step in the last invoke */
    uint64_t device_ns;  /* the device's own time for the step (an MCU's clock), 0 if none */
} mica_layer_info_t;

mica_status_t mica_open(const char *backend_spec, mica_ctx_t **out);
/* Checks a backend spec without opening it: the backend exists, every option is known, given once
 * and in range. MICA_OK, or MICA_E_BACKEND with a one-line reason in err. mica_open runs it too. */
mica_status_t mica_check_backend(const char *backend_spec, char *err, size_t errlen);
mica_status_t mica_load(mica_ctx_t *ctx, const void *program, size_t bytes);
mica_status_t mica_load_file(mica_ctx_t *ctx, const char *path);
int mica_num_inputs(const mica_ctx_t *ctx);
int mica_num_outputs(const mica_ctx_t *ctx);
mica_status_t mica_input_info(const mica_ctx_t *ctx, int index, mica_tensor_info_t *info);
mica_status_t mica_output_info(const mica_ctx_t *ctx, int index, mica_tensor_info_t *info);
mica_status_t mica_set_input(mica_ctx_t *ctx, int index, const void *data, size_t bytes);
mica_status_t mica_invoke(mica_ctx_t *ctx);
/* A program's variable tensors (an SVDF's state) keep their values from one invoke to the next and
 * start at zero when it loads; this zeroes them again (the first invoke after it behaves like the
 * first after the load). MICA_E_STATE from a backend that runs the whole program on its device
 * (mcu): load the program again there. */
mica_status_t mica_reset_state(mica_ctx_t *ctx);
mica_status_t mica_get_output(mica_ctx_t *ctx, int index, void *data, size_t bytes);
/* Event counters of the last invoke, summed over accelerator steps; names from hw/mica.json. */
int mica_num_counters(void);
const char *mica_counter_name(int index);
mica_status_t mica_counters(const mica_ctx_t *ctx, uint64_t *values, int count);
/* The same counters for one layer (step) of the last invoke: what the device counted during that
 * accelerator step; zeros for CPU steps and for devices that run the whole program at once
 * (mcu), which report only per-step cycles. */
mica_status_t mica_layer_counters(const mica_ctx_t *ctx, int layer, uint64_t *values, int count);
int mica_num_layers(const mica_ctx_t *ctx);
mica_status_t mica_layer_info(const mica_ctx_t *ctx, int index, mica_layer_info_t *info);
/* The device's own figures of the last invoke as "key=value ..." (empty when it has none). */
mica_status_t mica_device_report(const mica_ctx_t *ctx, char *out, size_t n);
const char *mica_backend_name(const mica_ctx_t *ctx);
/* 1 when the backend's cycle counts (CYCLES, ARRAY_BUSY, STALL_*, layer cycles) are cost-model
 * estimates (func), 0 when the device's clock counted them (rtl). */
int mica_cycles_estimated(const mica_ctx_t *ctx);
/* 0 when the device does not build event counter `index` (it reads 0 there: no measurement). */
int mica_counter_counted(const mica_ctx_t *ctx, int index);
/* What the last mica_load moved to the device: the program image's bytes and how long writing
 * it took, on this host's clock and (device_ns, 0 when the device has no clock of its own) on
 * the device's. */
typedef struct {
    uint64_t image_bytes, wall_ns, device_ns;
} mica_load_info_t;
mica_status_t mica_load_info(const mica_ctx_t *ctx, mica_load_info_t *info);
const char *mica_last_error(const mica_ctx_t *ctx);
const char *mica_status_name(mica_status_t status);
void mica_close(mica_ctx_t *ctx);

#ifdef __cplusplus
}
#endif
#endif
