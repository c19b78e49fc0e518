/* Backend "rtl": the Verilated RTL in this process, through sim/mica_sim.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mica_backend.h"
#include "mica_sim.h"

typedef struct {
    mica_sim_t *sim;
} rtl_state_t;

static int rtl_mem_write(void *s, uint32_t addr, const void *src, size_t n) {
    return mica_sim_mem_write(((rtl_state_t *)s)->sim, addr, src, n);
}

static int rtl_mem_read(void *s, uint32_t addr, void *dst, size_t n) {
    return mica_sim_mem_read(((rtl_state_t *)s)->sim, addr, dst, n);
}

static uint32_t rtl_csr_read(void *s, uint32_t addr) {
    return mica_sim_csr_read(((rtl_state_t *)s)->sim, addr);
}

static void rtl_csr_write(void *s, uint32_t addr, uint32_t v) {
    mica_sim_csr_write(((rtl_state_t *)s)->sim, addr, v);
}

static mica_wait_t rtl_wait(void *s, uint64_t max_cycles) {
    uint64_t ran = 0;
    switch (mica_sim_run(((rtl_state_t *)s)->sim, max_cycles, &ran)) {
    case MICA_SIM_DONE:
        return MICA_WAIT_DONE;
    case MICA_SIM_HW_ERROR:
        return MICA_WAIT_HW_ERROR;
    default:
        return MICA_WAIT_TIMEOUT;
    }
}

static void rtl_reset(void *s) {
    mica_sim_reset(((rtl_state_t *)s)->sim);
}

static void rtl_close(void *s) {
    rtl_state_t *st = s;
    if (st->sim)
        mica_sim_destroy(st->sim);
    free(st);
}

/* Ranges keep a run finite: at latency 1000 digits still takes seconds, not hours. */
static const mica_opt_spec_t rtl_options[] = {
    {"array", MICA_OPT_DIMS, 1, 256},
    {"latency", MICA_OPT_INT, 1, 1000},
    {"bw", MICA_OPT_INT, 1, 64},
    {"trace", MICA_OPT_PATH, 0, 0},
    {"trace_from", MICA_OPT_INT, 0, 1000000000000ll},
    {"trace_to", MICA_OPT_INT, 0, 1000000000000ll},
};

static int setup_trace(mica_sim_t *sim, const char *options, char *err, size_t errlen) {
    char path[256];
    if (!mica_opt_string(options, "trace", path, sizeof path))
        return 0;
    long long from = mica_opt_int(options, "trace_from", 0),
              to = mica_opt_int(options, "trace_to", 100000);
    if (to < from) {
        snprintf(err, errlen, "rtl backend: trace_to=%lld is before trace_from=%lld", to, from);
        return -1;
    }
    if (mica_sim_trace(sim, path, (uint64_t)from, (uint64_t)to)) {
        snprintf(err, errlen, "rtl backend: cannot trace to %s cycles %lld..%lld", path, from, to);
        return -1;
    }
    return 0;
}

static int rtl_open(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                    mica_backend_t *out, char *err, size_t errlen) {
    mica_sim_config_t sc = mica_sim_config_default();
    sc.rows = cfg->rows;
    sc.cols = cfg->cols;
    sc.req_lanes = cfg->req_lanes;
    sc.absent = cfg->absent;
    sc.req_mul_cycles = cfg->req_mul_cycles;
    mica_opt_array(options, &sc.rows, &sc.cols);
    long long lat = mica_opt_int(options, "latency", (long long)sc.mem_latency);
    long long bw = mica_opt_int(options, "bw", (long long)sc.mem_bytes_per_cycle);
    sc.mem_latency = (unsigned)lat;
    sc.mem_bytes_per_cycle = (unsigned)bw;
    sc.mem_bytes = (mem_bytes + 4095u) & ~4095u;
    rtl_state_t *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "rtl backend: out of memory");
        return -1;
    }
    if (mica_sim_create(&sc, &st->sim, err, errlen)) {
        st->sim = NULL;
        rtl_close(st);
        return -1;
    }
    if (setup_trace(st->sim, options, err, errlen)) {
        rtl_close(st);
        return -1;
    }
    mica_sim_reset(st->sim);
    out->name = "rtl";
    out->state = st;
    out->mem_latency = sc.mem_latency;
    out->mem_bytes_per_cycle = sc.mem_bytes_per_cycle;
    out->mem_write = rtl_mem_write;
    out->mem_read = rtl_mem_read;
    out->csr_read = rtl_csr_read;
    out->csr_write = rtl_csr_write;
    out->wait = rtl_wait;
    out->reset = rtl_reset;
    out->close = rtl_close;
    return 0;
}

const mica_backend_desc_t mica_backend_rtl = {
    "rtl",
    rtl_open,
    rtl_options,
    (int)(sizeof rtl_options / sizeof rtl_options[0]),
};
