/* Backend "func": a functional model of the accelerator. It executes the same instruction
 * stream as the RTL with the semantics of hw/mica.json: through the reference interpreter
 * (driver/core/isa_ref.c) the first time, then translated (func_translate.c, func_plan.c); the
 * CSRs and event counters are the interpreter's; cycles are estimates from the cost model.
 * Options: array=RxC, plan=0 (every run through the reference interpreter), vnni=0 (translated
 * runs on the portable GEMM paths), kernels=0|1|2 (at most portable, AVX2, AVX-VNNI or AVX-512
 * VNNI: func_plan.h).
 * Its report names the kernels the translations use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mica_backend.h"
#include "func_run.h"
#include "mica_isa.h"
#include <cblas.h>

/* pthreads OpenBLAS builds export it; weak so that other builds still link */
extern int blas_thread_shutdown_(void) __attribute__((weak));

static int fm_mem_write(void *s, uint32_t addr, const void *src, size_t n) {
    mica_fm_t *m = s;
    if ((uint64_t)addr + n > m->ref->mem_bytes)
        return -1;
    mica_fm_note_write(m, addr, n);
    memcpy(m->ref->mem + addr, src, n);
    return 0;
}

static int fm_mem_read(void *s, uint32_t addr, void *dst, size_t n) {
    mica_fm_t *m = s;
    if ((uint64_t)addr + n > m->ref->mem_bytes)
        return -1;
    memcpy(dst, m->ref->mem + addr, n);
    return 0;
}

static mica_wait_t fm_wait(void *s, uint64_t max_cycles) {
    (void)max_cycles;
    mica_fm_t *m = s;
    return m->ref->error ? MICA_WAIT_HW_ERROR : MICA_WAIT_DONE;
}

static uint32_t fm_csr_read(void *s, uint32_t addr) {
    mica_fm_t *m = s;
    return mica_isa_ref_csr_read(m->ref, addr);
}

static int fm_csr_read_block(void *s, uint32_t addr, uint32_t *dst, int n) {
    mica_fm_t *m = s;
    return mica_isa_ref_csr_read_block(m->ref, addr, dst, n);
}

/* START runs the program to completion, translated when it can be; the rest is the interpreter's. */
static void fm_csr_write(void *s, uint32_t addr, uint32_t value) {
    mica_fm_t *m = s;
    if (addr == MICA_CSR_CTRL && (value & MICA_CTRL_START))
        mica_fm_run(m);
    else
        mica_isa_ref_csr_write(m->ref, addr, value);
}

static void fm_close(void *s) {
    mica_fm_free(s);
}

static void fm_reset(void *s) {
    mica_fm_t *m = s;
    m->ref->done = m->ref->error = 0;
}

static int fm_report(void *s, char *out, size_t n) {
    mica_fm_t *m = s;
    mica_fp_kernels_report(m->plans, out, n);
    return 0;
}

static const mica_opt_spec_t func_options[] = {
    {"array", MICA_OPT_DIMS, 1, 256},
    {"plan", MICA_OPT_INT, 0, 1},    /* plan=0 keeps every run in the reference interpreter */
    {"vnni", MICA_OPT_INT, 0, 1},    /* vnni=0 forces the portable GEMM paths */
    {"kernels", MICA_OPT_INT, 0, 2}, /* the fastest kernels allowed (tests of each) */
    {"absent", MICA_OPT_INT, 0, (1 << MICA_NUM_FEATURES) - 1}, /* a device lacking these too */
};

static int func_open(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                     mica_backend_t *out, char *err, size_t errlen) {
    mica_hw_config_t c = *cfg;
    mica_opt_array(options, &c.rows, &c.cols);
    c.absent |= (uint32_t)mica_opt_int(options, "absent", 0);
    /* plan=0 keeps every run in the reference interpreter (tests compare the two) */
    mica_fm_t *m = mica_fm_new(&c, mem_bytes, (int)mica_opt_int(options, "plan", 1));
    if (!m) {
        snprintf(err, errlen, "func backend: out of memory for a %ux%u model", c.rows, c.cols);
        return -1;
    }
    /* One thread: the GEMMs are layer-sized, where OpenBLAS's thread hand-offs cost more than they
     * give, and regressions run many simulations side by side. Its idle workers spin (sched_yield)
     * for about 0.1 s after the library loads, taking a core from short runs: stop them (OpenBLAS's
     * fork handler does the same; a later threaded call by someone else starts them again). */
    openblas_set_num_threads(1);
    if (blas_thread_shutdown_)
        blas_thread_shutdown_();
    if (m->plans) {
        mica_fp_set_kernels(m->plans, (int)mica_opt_int(options, "kernels", FP_KERNELS_VNNI));
        if (!mica_opt_int(options, "vnni", 1))
            mica_fp_set_vnni(m->plans, 0); /* vnni=0: the portable paths */
    }
    out->name = "func";
    out->state = m;
    out->mem_latency = out->mem_bytes_per_cycle =
        0;                     /* runs to completion at START: no cycle limit */
    out->cycles_estimated = 1; /* its cycles are the cost model's */
    out->mem_write = fm_mem_write;
    out->mem_read = fm_mem_read;
    out->csr_read = fm_csr_read;
    out->csr_read_block = fm_csr_read_block;
    out->csr_write = fm_csr_write;
    out->wait = fm_wait;
    out->reset = fm_reset;
    out->close = fm_close;
    out->report = fm_report;
    return 0;
}

const mica_backend_desc_t mica_backend_func = {
    "func",
    func_open,
    func_options,
    (int)(sizeof func_options / sizeof func_options[0]),
};
