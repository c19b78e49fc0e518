/* libmica's read-only queries of a context: load figures, counters (whole invoke and per layer),
 * per-layer info, the device's report and names. The runtime itself is runtime.c. */
#include <string.h>
#include "mica.h"
#include "mica_backend.h"
#include "mica_isa.h"
#include "mica_ops.h"
#include "mica_program.h"
#include "runtime_ctx.h"

mica_status_t mica_load_info(const mica_ctx_t *c, mica_load_info_t *info) {
    if (!c || !info)
        return MICA_E_ARG;
    if (!c->loaded)
        return MICA_E_STATE;
    *info = c->load;
    return MICA_OK;
}

int mica_num_counters(void) {
    return MICA_NUM_COUNTERS;
}
const char *mica_counter_name(int i) {
    return i >= 0 && i < MICA_NUM_COUNTERS ? mica_counter_names[i] : NULL;
}

mica_status_t mica_counters(const mica_ctx_t *c, uint64_t *values, int count) {
    if (!c || !values || count < 0)
        return MICA_E_ARG;
    for (int i = 0; i < count && i < MICA_NUM_COUNTERS; i++)
        values[i] = c->counters[i];
    return MICA_OK;
}

mica_status_t mica_layer_counters(const mica_ctx_t *c, int layer, uint64_t *values, int count) {
    if (!c || !values || count < 0 || layer < 0 || layer >= mica_num_layers(c))
        return MICA_E_ARG;
    const uint64_t *v = c->step_counters + (size_t)layer * MICA_NUM_COUNTERS;
    for (int i = 0; i < count && i < MICA_NUM_COUNTERS; i++)
        values[i] = v[i];
    return MICA_OK;
}

int mica_num_layers(const mica_ctx_t *c) {
    return c && c->loaded ? (int)c->prog.hdr.nsteps : 0;
}

mica_status_t mica_layer_info(const mica_ctx_t *c, int i, mica_layer_info_t *info) {
    if (!c || !info || i < 0 || i >= mica_num_layers(c))
        return MICA_E_ARG;
    const mica_prog_step_t *st = &c->prog.steps[i];
    info->name = st->name;
    info->on_accel = st->kind == MICA_STEP_ACCEL;
    info->op = mica_step_op_name(st);
    info->macs = st->macs;
    info->est_cycles = st->est_cycles;
    info->cycles = c->step_cycles[i];
    info->host_ns = c->step_ns[i];
    info->device_ns = c->step_dev_ns[i];
    return MICA_OK;
}

mica_status_t mica_device_report(const mica_ctx_t *c, char *out, size_t n) {
    if (!c || !out || !n)
        return MICA_E_ARG;
    out[0] = 0;
    if (c->be_open && c->be.report && c->be.report(c->be.state, out, n))
        return MICA_E_BACKEND;
    return MICA_OK;
}

int mica_cycles_estimated(const mica_ctx_t *c) {
    return c && c->be_open && c->be.cycles_estimated;
}

int mica_counter_counted(const mica_ctx_t *c, int i) {
    return !(c && c->be_open && i >= 0 && i < 32 && (c->be.counters_absent >> i & 1u));
}

const char *mica_backend_name(const mica_ctx_t *c) {
    return c ? c->spec_name : NULL;
}
const char *mica_last_error(const mica_ctx_t *c) {
    return c ? c->err : "no context";
}

const char *mica_status_name(mica_status_t s) {
    static const char *const names[] = {"ok",
                                        "invalid argument",
                                        "out of memory",
                                        "I/O error",
                                        "bad program format",
                                        "configuration mismatch",
                                        "shape mismatch",
                                        "backend error",
                                        "timeout",
                                        "accelerator error",
                                        "wrong call order",
                                        "kernel error"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown status";
}
