/* Backend "cpu": the accelerator's programs run by the reference interpreter of the ISA on this
 * processor (an MCU without an accelerator, or one whose accelerator failed: firmware's CPU
 * fallback). Bit-exact with the RTL by construction (the interpreter is its golden model); it
 * has no clock, so CYCLES reads 0 and the figures are the compiler's estimates. Memories come from
 * the port (mica_port_alloc). */
#include <string.h>
#include "mica_backend.h"
#include "mica_fmt.h"
#include "mica_isa_ref.h"

static int cpu_mem_write(void *st, uint32_t addr, const void *src, size_t n) {
    mica_isa_ref_t *s = st;
    if (addr > s->mem_bytes || n > s->mem_bytes - addr)
        return -1;
    memcpy(s->mem + addr, src, n);
    return 0;
}

static int cpu_mem_read(void *st, uint32_t addr, void *dst, size_t n) {
    mica_isa_ref_t *s = st;
    if (addr > s->mem_bytes || n > s->mem_bytes - addr)
        return -1;
    memcpy(dst, s->mem + addr, n);
    return 0;
}

static uint32_t cpu_csr_read(void *st, uint32_t addr) {
    return mica_isa_ref_csr_read(st, addr);
}

/* CTRL.START runs the whole program here (mica_isa_ref_csr_write). */
static void cpu_csr_write(void *st, uint32_t addr, uint32_t value) {
    mica_isa_ref_csr_write(st, addr, value);
}

static mica_wait_t cpu_wait(void *st, uint64_t max_cycles) {
    mica_isa_ref_t *s = st;
    (void)max_cycles; /* the program already ran to END or its first error */
    return s->error ? MICA_WAIT_HW_ERROR : s->done ? MICA_WAIT_DONE : MICA_WAIT_TIMEOUT;
}

static void cpu_reset(void *st) {
    mica_isa_ref_t *s = st;
    s->done = s->error = 0;
    s->error_code = s->error_pc = 0;
}

static void cpu_close(void *st) {
    mica_isa_ref_free(st);
}

static int cpu_open(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                    mica_backend_t *out, char *err, size_t errlen) {
    (void)options;
    mica_isa_ref_t *s = mica_isa_ref_new(cfg, mem_bytes);
    if (!s) {
        mica_snprintf(err, errlen,
                      "cpu backend: out of memory for %u bytes of accelerator memory and the "
                      "%ux%u array's on-chip memories",
                      mem_bytes, cfg->rows, cfg->cols);
        return -1;
    }
    *out = (mica_backend_t){.name = "cpu",
                            .state = s,
                            .cycles_estimated = 1,
                            .mem_write = cpu_mem_write,
                            .mem_read = cpu_mem_read,
                            .csr_read = cpu_csr_read,
                            .csr_write = cpu_csr_write,
                            .wait = cpu_wait,
                            .reset = cpu_reset,
                            .close = cpu_close};
    return 0;
}

const mica_backend_desc_t mica_backend_cpu = {"cpu", cpu_open, NULL, 0};
