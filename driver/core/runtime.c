/* libmica runtime: loads a program onto a backend and walks its steps. */
#include <stdarg.h>
#include <string.h>
#include "mica_fmt.h"
#include "mica.h"
#include "mica_backend.h"
#include "mica_escape.h"
#include "mica_cost.h"
#include "mica_program.h"
#include "mica_control.h"
#include "cpu_steps.h"
#include "mica_ops.h"
#include "mica_port.h"
#include "mica_isa.h"
#include "runtime_ctx.h"

/* Cycle limit of an accelerator step when the spec sets no max_cycles: CYCLE_LIMIT_FACTOR x the
 * compiler's estimate plus CYCLE_LIMIT_FLOOR, times how much slower the backend's memory is than
 * the estimate assumed (see default_cycle_limit). Estimates are within 10% of the RTL
 * (tests/e2e/check_estimates.py), so a working step ends far below it, and a stuck one ends in
 * MICA_E_TIMEOUT within seconds of simulation instead of hours. */
#define CYCLE_LIMIT_FACTOR 100u
#define CYCLE_LIMIT_FLOOR 10000u         /* a few ms of simulation: fixed costs of a tiny step */
#define CYCLE_LIMIT_MAX 1000000000000ull /* also the max_cycles option's upper bound */

/* Every message carries names from the program file: escaped once here, cut with "..." if long. */
static mica_status_t fail(mica_ctx_t *c, mica_status_t s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    mica_format_escaped(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    return s;
}

/* A device that stopped answering (a dead link): its message replaces whatever the step saw. */
static int device_fault(mica_ctx_t *c) {
    const char *why = c->be.fault ? c->be.fault(c->be.state) : NULL;
    if (why)
        fail(c, MICA_E_BACKEND, "%s", why);
    return why != NULL;
}

#define MAX_BACKEND_OPTS 16

/* Options the runtime itself reads, valid with every backend. */
static const mica_opt_spec_t runtime_options[] = {
    {"max_cycles", MICA_OPT_INT, 1, 1000000000000ll},
};

static int find_backend(const char *name, size_t n) {
    for (int i = 0; i < mica_num_backends; i++)
        if (strlen(mica_backends[i]->name) == n && !strncmp(mica_backends[i]->name, name, n))
            return i;
    return -1;
}

/* "rtl, func": the registry's names, for messages. */
static void backend_names(char *out, size_t len) {
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < mica_num_backends && used < len; i++)
        used += (size_t)mica_snprintf(out + used, len - used, "%s%s", i ? ", " : "",
                                      mica_backends[i]->name);
}

mica_status_t mica_check_backend(const char *spec, char *err, size_t errlen) {
    if (!spec || !err || !errlen)
        return MICA_E_ARG;
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    int b = find_backend(spec, n);
    if (b < 0) {
        char name[64], shown[80];
        mica_snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1),
                      spec);
        char known[128];
        backend_names(known, sizeof known);
        mica_snprintf(err, errlen, "unknown backend '%s' (known: %s)",
                      mica_escape_name(name, shown, sizeof shown), known);
        return MICA_E_BACKEND;
    }
    if (colon && strlen(colon + 1) >= sizeof((mica_ctx_t *)0)->spec_options) {
        mica_snprintf(err, errlen, "backend %s: options longer than %zu characters",
                      mica_backends[b]->name, sizeof((mica_ctx_t *)0)->spec_options - 1);
        return MICA_E_BACKEND;
    }
    mica_opt_spec_t all[MAX_BACKEND_OPTS];
    int nall = 0;
    for (size_t i = 0; i < sizeof runtime_options / sizeof runtime_options[0]; i++)
        all[nall++] = runtime_options[i];
    for (int i = 0; i < mica_backends[b]->noptions && nall < MAX_BACKEND_OPTS; i++)
        all[nall++] = mica_backends[b]->options[i];
    char who[48];
    mica_snprintf(who, sizeof who, "%s backend", mica_backends[b]->name);
    if (mica_opts_validate(who, colon ? colon + 1 : "", all, nall, err, errlen))
        return MICA_E_BACKEND;
    return MICA_OK;
}

mica_status_t mica_open(const char *spec, mica_ctx_t **out) {
    if (!spec || !out)
        return MICA_E_ARG;
    *out = NULL;
    char err[256];
    if (mica_check_backend(spec, err, sizeof err) != MICA_OK)
        return MICA_E_BACKEND;
    mica_ctx_t *c = mica_port_alloc(sizeof *c);
    if (!c)
        return MICA_E_NOMEM;
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    memcpy(c->spec_name, spec, n);
    mica_snprintf(c->spec_options, sizeof c->spec_options, "%s", colon ? colon + 1 : "");
    c->backend = find_backend(spec, n);
    c->max_cycles =
        (uint64_t)mica_opt_int(c->spec_options, "max_cycles", 0); /* 0: derived per step */
    *out = c;
    return MICA_OK;
}

/* The first instruction of the program that needs an optional feature the device lacks (CONFIG3
 * ABSENT), as its index, or -1: the code itself says what it needs, whatever the header claims. */
static int64_t first_absent_use(const mica_program_t *p, uint32_t absent, uint32_t *feature) {
    const uint8_t *code = p->image + (p->hdr.code_addr - p->hdr.image_addr);
    for (uint32_t i = 0; absent && i < p->hdr.code_count; i++) {
        mica_instr_t in;
        memcpy(&in, code + (size_t)i * MICA_INSTR_BYTES, sizeof in);
        *feature = mica_instr_feature(&in) & absent;
        if (*feature)
            return i;
    }
    return -1;
}

static const char *feature_name(uint32_t bit) {
    for (uint32_t i = 0; i < MICA_NUM_FEATURES; i++)
        if (bit == 1u << i)
            return mica_feature_names[i];
    return "?";
}

static mica_status_t check_features(mica_ctx_t *c) {
    uint32_t c3 = c->be.csr_read(c->be.state, MICA_CSR_CONFIG3), feature = 0;
    /* STORE target ASPAD needs ROWS == COLS whatever ABSENT says (mica_hw_absent) */
    uint32_t absent =
        mica_config3_absent(c3) |
        (c->prog.hdr.rows != c->prog.hdr.cols ? (uint32_t)MICA_FEATURE_STORE_ASPAD : 0u);
    int64_t at = first_absent_use(&c->prog, absent, &feature);
    if (at >= 0)
        return fail(c, MICA_E_CONFIG,
                    "program instruction %lld needs feature %s, which the %s backend's "
                    "configuration lacks (CONFIG3 0x%08x)",
                    (long long)at, feature_name(feature), c->be.name, c3);
    return MICA_OK;
}

static mica_status_t open_backend(mica_ctx_t *c) {
    const mica_prog_header_t *h = &c->prog.hdr;
    mica_hw_config_t cfg = {h->rows,      h->cols,          h->aspad_depth, h->wspad_depth,
                            h->acc_depth, h->param_sets,    h->bus_bytes,   h->req_lanes,
                            h->absent,    h->req_mul_cycles};
    if (mica_backends[c->backend]->open(c->spec_options, &cfg, h->ext_size, &c->be, c->err,
                                        sizeof c->err))
        return MICA_E_BACKEND;
    c->be_open = 1;
    if (c->be.load_program)
        return c->be.load_program(c->be.state, &c->prog, c->err, sizeof c->err) ? MICA_E_BACKEND
                                                                                : MICA_OK;
    uint32_t id = c->be.csr_read(c->be.state, MICA_CSR_ID);
    uint32_t c0 = c->be.csr_read(c->be.state, MICA_CSR_CONFIG0);
    uint32_t c1 = c->be.csr_read(c->be.state, MICA_CSR_CONFIG1);
    uint32_t c2 = c->be.csr_read(c->be.state, MICA_CSR_CONFIG2);
    if (device_fault(c))
        return MICA_E_BACKEND;
    if (id != MICA_CSR_ID_VALUE)
        return fail(c, MICA_E_BACKEND, "backend %s: ID register reads 0x%08x, not MICA", c->be.name,
                    id);
    if (mica_config0_rows(c0) != h->rows || mica_config0_cols(c0) != h->cols)
        return fail(c, MICA_E_CONFIG, "program compiled for a %ux%u array, %s backend has %ux%u",
                    h->rows, h->cols, c->be.name, mica_config0_rows(c0), mica_config0_cols(c0));
    if (mica_config1_aspad_depth(c1) < h->aspad_depth ||
        mica_config1_wspad_depth(c1) < h->wspad_depth ||
        mica_config2_acc_depth(c2) < h->acc_depth || mica_config2_param_sets(c2) < h->param_sets)
        return fail(c, MICA_E_CONFIG,
                    "program needs larger on-chip memories than the %s backend has", c->be.name);
    if (check_features(c) != MICA_OK)
        return MICA_E_CONFIG;
    uint64_t dev0 = 0, dev1 = 0, wall0 = mica_port_time_ns();
    int clocked = c->be.device_time_ns && !c->be.device_time_ns(c->be.state, &dev0);
    int wrote = c->be.mem_write(c->be.state, h->image_addr, c->prog.image, h->image_size);
    c->load.image_bytes = h->image_size;
    c->load.wall_ns = mica_port_time_ns() - wall0;
    if (clocked && !c->be.device_time_ns(c->be.state, &dev1))
        c->load.device_ns = dev1 - dev0;
    if (wrote)
        return device_fault(c) ? MICA_E_BACKEND
                               : fail(c, MICA_E_BACKEND,
                                      "backend %s: could not write the program image", c->be.name);
    return MICA_OK;
}

static void unload(mica_ctx_t *c) {
    if (c->be_open && c->be.close)
        c->be.close(c->be.state);
    c->be_open = 0;
    if (c->loaded)
        mica_program_free(&c->prog);
    c->loaded = 0;
    mica_port_free(c->step_cycles);
    c->step_cycles = c->step_ns = c->step_dev_ns = c->step_counters = NULL;
    c->scratch = NULL;
}

/* Variable tensors (MICA_DT_STATE) start where TFLite's ResetVariableTensor puts them: int8 ones
 * at their zero point (a real 0, e.g. an LSTM's hidden state), others at zero; at load and on
 * mica_reset_state. */
static mica_status_t zero_state(mica_ctx_t *c) {
    uint8_t zeros[256];
    for (uint32_t i = 0; i < c->prog.hdr.ntensors; i++) {
        const mica_prog_tensor_t *t = &c->prog.tensors[i];
        if (!(t->dtype & MICA_DT_STATE))
            continue;
        int int8 = (t->dtype & MICA_DT_TYPE_MASK) == MICA_DT_INT8;
        for (uint32_t k = 0; k < sizeof zeros; k++)
            zeros[k] = int8 ? (uint8_t)t->zero_point : 0;
        for (uint32_t at = 0; at < t->bytes; at += sizeof zeros) {
            uint32_t n = t->bytes - at < sizeof zeros ? t->bytes - at : (uint32_t)sizeof zeros;
            if (c->be.mem_write(c->be.state, t->addr + at, zeros, n))
                return device_fault(c)
                           ? MICA_E_BACKEND
                           : fail(c, MICA_E_BACKEND, "backend %s: could not clear state tensor %s",
                                  c->be.name, t->name);
        }
    }
    return MICA_OK;
}

static int has_state(const mica_program_t *p) {
    for (uint32_t i = 0; i < p->hdr.ntensors; i++)
        if (p->tensors[i].dtype & MICA_DT_STATE)
            return 1;
    return 0;
}

mica_status_t mica_reset_state(mica_ctx_t *c) {
    if (!c)
        return MICA_E_ARG;
    if (!c->loaded)
        return fail(c, MICA_E_STATE, "reset before a program was loaded");
    if (!has_state(&c->prog))
        return MICA_OK;
    if (c->be.load_program) /* the device runs the program itself and zeroed it at its load */
        return fail(c, MICA_E_STATE,
                    "backend %s cannot reset the program's state tensors; load the program again",
                    c->be.name);
    return zero_state(c);
}

/* Per-step figures and the CPU steps' operand memory in one allocation, then the device. */
static mica_status_t attach(mica_ctx_t *c) {
    size_t n = c->prog.hdr.nsteps, scratch = 8;
    for (size_t s = 0; s < n; s++)
        if (c->prog.steps[s].kind == MICA_STEP_CPU) {
            size_t need = mica_cpu_step_scratch_bytes(&c->prog, &c->prog.steps[s]);
            scratch = need > scratch ? need : scratch;
        }
    size_t bytes = (3 + MICA_NUM_COUNTERS) * n * sizeof(uint64_t) + scratch;
    c->step_cycles = mica_port_alloc(bytes);
    if (!c->step_cycles) {
        unload(c);
        return fail(c, MICA_E_NOMEM,
                    "out of memory: the program's tables and CPU operands need %zu bytes", bytes);
    }
    c->step_ns = c->step_cycles + n;
    c->step_dev_ns = c->step_ns + n;
    c->step_counters = c->step_dev_ns + n;
    c->scratch = (uint8_t *)(c->step_counters + MICA_NUM_COUNTERS * n);
    mica_status_t s = open_backend(c);
    if (s == MICA_OK && !c->be.load_program)
        s = zero_state(c);
    if (s != MICA_OK)
        unload(c);
    else
        c->err[0] = 0;
    return s;
}

mica_status_t mica_load(mica_ctx_t *c, const void *bytes, size_t len) {
    if (!c || !bytes)
        return MICA_E_ARG;
    unload(c);
    if (mica_program_parse(bytes, len, &c->prog, c->err, sizeof c->err))
        return MICA_E_FORMAT;
    c->loaded = 1;
    return attach(c);
}

mica_status_t mica_load_program(mica_ctx_t *c, const mica_program_t *p) {
    if (!c || !p || p->blob)
        return MICA_E_ARG;
    unload(c);
    c->prog = *p; /* constant data: nothing to copy or free */
    c->loaded = 1;
    return attach(c);
}

mica_status_t mica_load_file(mica_ctx_t *c, const char *path) {
    if (!c || !path)
        return MICA_E_ARG;
    uint8_t *buf = NULL;
    size_t len = 0;
    char why[256];
    int too_big = 0;
    if (mica_port_read_file(path, MICA_PROG_MAX_BYTES, &buf, &len, &too_big, why, sizeof why))
        return fail(c, too_big ? MICA_E_FORMAT : MICA_E_IO, "%s: %s", path, why);
    mica_status_t s = mica_load(c, buf, len);
    mica_port_free(buf);
    return s;
}

int mica_num_inputs(const mica_ctx_t *c) {
    return c && c->loaded ? (int)c->prog.hdr.ninputs : 0;
}
int mica_num_outputs(const mica_ctx_t *c) {
    return c && c->loaded ? (int)c->prog.hdr.noutputs : 0;
}

static void fill_info(const mica_prog_tensor_t *t, mica_tensor_info_t *info) {
    info->name = t->name;
    info->dtype = (int)(t->dtype & MICA_DT_TYPE_MASK);
    info->rank = (int)t->rank;
    memset(info->dims, 0, sizeof info->dims);
    memcpy(info->dims, t->dims, sizeof(int32_t) * t->rank);
    info->scale = t->scale;
    int index = (t->dtype & MICA_DT_INDEX) != 0;
    info->zero_point = index ? 0 : t->zero_point;
    info->index_count = index ? t->zero_point : 0;
    info->bytes = t->bytes;
}

static const mica_prog_tensor_t *io_tensor(const mica_ctx_t *c, int index, int output) {
    if (!c || !c->loaded || index < 0)
        return NULL;
    if (index >= (output ? mica_num_outputs(c) : mica_num_inputs(c)))
        return NULL;
    return &c->prog.tensors[(output ? c->prog.outputs : c->prog.inputs)[index]];
}

mica_status_t mica_input_info(const mica_ctx_t *c, int i, mica_tensor_info_t *info) {
    const mica_prog_tensor_t *t = io_tensor(c, i, 0);
    if (!t || !info)
        return MICA_E_ARG;
    fill_info(t, info);
    return MICA_OK;
}

mica_status_t mica_output_info(const mica_ctx_t *c, int i, mica_tensor_info_t *info) {
    const mica_prog_tensor_t *t = io_tensor(c, i, 1);
    if (!t || !info)
        return MICA_E_ARG;
    fill_info(t, info);
    return MICA_OK;
}

mica_status_t mica_set_input(mica_ctx_t *c, int i, const void *data, size_t bytes) {
    const mica_prog_tensor_t *t = io_tensor(c, i, 0);
    if (!c)
        return MICA_E_ARG;
    if (!c->loaded)
        return fail(c, MICA_E_STATE, "set_input before a program was loaded");
    if (!t || !data)
        return fail(c, MICA_E_ARG, "input %d does not exist", i);
    if (bytes != t->bytes)
        return fail(c, MICA_E_SHAPE, "input %d (%s) needs %u bytes, got %zu", i, t->name, t->bytes,
                    bytes);
    if (c->be.mem_write(c->be.state, t->addr, data, bytes))
        return device_fault(c) ? MICA_E_BACKEND : fail(c, MICA_E_BACKEND, "backend write failed");
    return MICA_OK;
}

mica_status_t mica_get_output(mica_ctx_t *c, int i, void *data, size_t bytes) {
    const mica_prog_tensor_t *t = io_tensor(c, i, 1);
    if (!c)
        return MICA_E_ARG;
    if (!c->loaded)
        return fail(c, MICA_E_STATE, "get_output before a program was loaded");
    if (!t || !data)
        return fail(c, MICA_E_ARG, "output %d does not exist", i);
    if (bytes != t->bytes)
        return fail(c, MICA_E_SHAPE, "output %d (%s) has %u bytes, buffer is %zu", i, t->name,
                    t->bytes, bytes);
    if (c->be.mem_read(c->be.state, t->addr, data, bytes))
        return device_fault(c) ? MICA_E_BACKEND : fail(c, MICA_E_BACKEND, "backend read failed");
    return MICA_OK;
}

/* Every counter (lo, hi words) in one exchange where the backend offers it. */
static int read_counters(mica_ctx_t *c, uint64_t *out) {
    uint32_t w[2 * MICA_NUM_COUNTERS];
    if (c->be.csr_read_block) {
        if (c->be.csr_read_block(c->be.state, MICA_CSR_COUNTER_BASE, w, 2 * MICA_NUM_COUNTERS))
            return -1;
    } else {
        for (int i = 0; i < 2 * MICA_NUM_COUNTERS; i++)
            w[i] = c->be.csr_read(c->be.state, MICA_CSR_COUNTER_BASE + 4u * (uint32_t)i);
    }
    for (int i = 0; i < MICA_NUM_COUNTERS; i++)
        out[i] = (uint64_t)w[2 * i + 1] << 32 | w[2 * i];
    return 0;
}

static uint64_t ceil_ratio(uint64_t a, uint64_t b) {
    return a > b ? (a + b - 1) / b : 1;
}

/* The estimate assumes memory latency MICA_MEM_LATENCY_DEFAULT and one bus beat per cycle; a
 * backend with slower memory (rtl:latency=1000, rtl:bw=1) scales the limit by the ratio. */
static uint64_t default_cycle_limit(const mica_ctx_t *c, const mica_prog_step_t *st) {
    uint64_t slow = ceil_ratio(c->be.mem_latency, MICA_MEM_LATENCY_DEFAULT);
    if (c->be.mem_bytes_per_cycle)
        slow *= ceil_ratio(c->prog.hdr.bus_bytes, c->be.mem_bytes_per_cycle);
    uint64_t per_slow = CYCLE_LIMIT_MAX / slow;
    if (st->est_cycles >= (per_slow - CYCLE_LIMIT_FLOOR) / CYCLE_LIMIT_FACTOR)
        return CYCLE_LIMIT_MAX;
    return (CYCLE_LIMIT_FLOOR + CYCLE_LIMIT_FACTOR * st->est_cycles) * slow;
}

/* One line naming the step, the limit and how to raise it. */
static mica_status_t step_timeout(mica_ctx_t *c, uint32_t s, uint64_t limit) {
    const mica_prog_step_t *st = &c->prog.steps[s];
    if (c->max_cycles)
        return fail(c, MICA_E_TIMEOUT,
                    "step %u (%s): accelerator did not finish within max_cycles=%llu (raise it if "
                    "the step is only slow)",
                    s, st->name, (unsigned long long)limit);
    return fail(c, MICA_E_TIMEOUT,
                "step %u (%s): accelerator did not finish within %llu cycles (limit from the "
                "estimate, %llu, and the memory speed); set max_cycles=N to raise it",
                s, st->name, (unsigned long long)limit, (unsigned long long)st->est_cycles);
}

static mica_status_t run_accel(mica_ctx_t *c, uint32_t s) {
    const mica_prog_step_t *st = &c->prog.steps[s];
    void *b = c->be.state;
    c->be.csr_write(b, MICA_CSR_PROG_ADDR,
                    c->prog.hdr.code_addr + st->instr_first * (uint32_t)MICA_INSTR_BYTES);
    c->be.csr_write(b, MICA_CSR_PROG_LEN, st->instr_count);
    c->be.csr_write(b, MICA_CSR_CTRL, MICA_CTRL_START);
    uint64_t limit = c->max_cycles ? c->max_cycles : default_cycle_limit(c, st);
    mica_wait_t w = c->be.wait(b, limit);
    if (device_fault(c))
        return MICA_E_BACKEND;
    if (w == MICA_WAIT_TIMEOUT) {
        c->be.reset(b); /* leave the device usable for the next invoke */
        return step_timeout(c, s, limit);
    }
    uint32_t status = c->be.csr_read(b, MICA_CSR_STATUS);
    if (w == MICA_WAIT_HW_ERROR || (status & MICA_STATUS_ERROR)) {
        uint32_t code = c->be.csr_read(b, MICA_CSR_ERROR),
                 pc = c->be.csr_read(b, MICA_CSR_ERROR_PC);
        c->be.reset(b);
        return fail(c, MICA_E_HW, "step %u (%s): accelerator error %u (%s) at instruction %u", s,
                    st->name, code, code < MICA_NUM_ERRORS ? mica_hw_error_text[code] : "unknown",
                    st->instr_first + pc);
    }
    uint64_t v[MICA_NUM_COUNTERS];
    if (read_counters(c, v) || device_fault(c))
        return device_fault(c) ? MICA_E_BACKEND : fail(c, MICA_E_BACKEND, "counters unreadable");
    /* A device without a clock (cpu) and without its own estimate: the compiler's estimate. */
    if (c->be.cycles_estimated && !v[MICA_CNT_CYCLES])
        v[MICA_CNT_CYCLES] = st->est_cycles;
    for (int i = 0; i < MICA_NUM_COUNTERS; i++)
        c->counters[i] += v[i];
    memcpy(c->step_counters + (size_t)s * MICA_NUM_COUNTERS, v, sizeof v);
    c->step_cycles[s] = v[MICA_CNT_CYCLES];
    return MICA_OK;
}

/* A device that runs the whole program (load_program): one call, per-step figures back. */
static mica_status_t invoke_whole(mica_ctx_t *c) {
    if (c->be.invoke_program(c->be.state, c->step_cycles, c->step_dev_ns, c->err, sizeof c->err))
        return MICA_E_BACKEND;
    for (uint32_t s = 0; s < c->prog.hdr.nsteps; s++)
        c->counters[MICA_CNT_CYCLES] += c->step_cycles[s];
    return MICA_OK;
}

mica_status_t mica_invoke(mica_ctx_t *c) {
    if (!c)
        return MICA_E_ARG;
    if (!c->loaded)
        return fail(c, MICA_E_STATE, "invoke before a program was loaded");
    memset(c->counters, 0, sizeof c->counters);
    memset(c->step_counters, 0, (size_t)c->prog.hdr.nsteps * MICA_NUM_COUNTERS * sizeof(uint64_t));
    if (c->be.invoke_program)
        return invoke_whole(c);
    return mica_run_steps(c, 0, mica_ctrl_main_end(&c->prog), 0);
}

/* One clock read per step: a step's end is the next one's start (two reads a step were ~5% of a
 * small model's inference on the func backend). */
mica_status_t mica_run_steps(mica_ctx_t *c, uint32_t first, uint32_t end, int depth) {
    uint64_t t0 = mica_port_time_ns();
    for (uint32_t s = first; s < end; s++) {
        const mica_prog_step_t *st = &c->prog.steps[s];
        mica_status_t r =
            st->kind == MICA_STEP_ACCEL ? run_accel(c, s)
            : st->kind == MICA_STEP_CTRL
                ? mica_run_ctrl_step(c, s, depth)
                : mica_run_cpu_step(&c->prog, st, &c->be, c->scratch, c->err, sizeof c->err);
        if (r != MICA_OK && st->kind != MICA_STEP_ACCEL && !device_fault(c))
            fail(c, r, "%s", c->err);
        if (r != MICA_OK)
            return r;
        uint64_t t1 = mica_port_time_ns();
        c->step_ns[s] = t1 - t0;
        t0 = t1;
    }
    return MICA_OK;
}

void mica_close(mica_ctx_t *c) {
    if (!c)
        return;
    unload(c);
    mica_port_free(c);
}
