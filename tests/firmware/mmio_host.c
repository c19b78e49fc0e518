/* The firmware's mmio transport on a host: the runtime core with one backend, "mmio"
 * (driver/core/mmio_device.c, the code an MCU with the accelerator on its bus runs), whose 32-bit
 * bus accesses reach the Verilated RTL: the CSR window goes to the CSR port, the memory window to
 * the memory model, and every STATUS poll lets 32 clock cycles pass (time runs while the CPU
 * polls). Every sample of the committed LiteRT vectors must come out byte for byte.
 *   mmio_host PROGRAM.mica VECTORS.vec [PROGRAM.mica VECTORS.vec ...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mica.h"
#include "mica_backend.h"
#include "mica_isa.h"
#include "mica_mmio.h"
#include "mica_sim.h"
#include "vecfile.h"

#define CSR_BASE 0x40000000u /* where an SoC might place the block; any two windows do */
#define MEM_BASE 0x80000000u
#define POLL_CYCLES 32

typedef struct {
    mica_mmio_t bus; /* first: the device's state is the bus, and close gets this back */
    mica_sim_t *sim;
    uint64_t polls;
} mmio_host_t;

static uint32_t bus_read32(void *ctx, uintptr_t addr) {
    mmio_host_t *h = ctx;
    if (addr >= MEM_BASE) {
        uint32_t w = 0;
        mica_sim_mem_read(h->sim, addr - MEM_BASE, &w, 4);
        return w;
    }
    if (addr - CSR_BASE == MICA_CSR_STATUS) {
        mica_sim_step(h->sim, POLL_CYCLES);
        h->polls++;
    }
    return mica_sim_csr_read(h->sim, (uint32_t)(addr - CSR_BASE));
}

static void bus_write32(void *ctx, uintptr_t addr, uint32_t value) {
    mmio_host_t *h = ctx;
    if (addr >= MEM_BASE)
        mica_sim_mem_write(h->sim, addr - MEM_BASE, &value, 4);
    else
        mica_sim_csr_write(h->sim, (uint32_t)(addr - CSR_BASE), value);
}

static void host_close(void *st) {
    mmio_host_t *h = st;
    mica_sim_destroy(h->sim);
    free(h);
}

static int open_mmio(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                     mica_backend_t *out, char *err, size_t errlen) {
    (void)options;
    mica_sim_config_t sc = mica_sim_config_default();
    sc.rows = cfg->rows, sc.cols = cfg->cols, sc.req_lanes = cfg->req_lanes;
    sc.absent = cfg->absent, sc.req_mul_cycles = cfg->req_mul_cycles;
    sc.mem_bytes = (mem_bytes + 4095u) & ~4095u;
    mmio_host_t *h = calloc(1, sizeof *h);
    if (!h || mica_sim_create(&sc, &h->sim, err, errlen)) {
        free(h);
        return -1;
    }
    mica_sim_reset(h->sim);
    h->bus = (mica_mmio_t){h, bus_read32, bus_write32, CSR_BASE, MEM_BASE, mem_bytes};
    mica_mmio_backend(&h->bus, out);
    out->close = host_close;
    return 0;
}

static const mica_backend_desc_t mmio_backend = {"mmio", open_mmio, NULL, 0};
const mica_backend_desc_t *const mica_backends[] = {&mmio_backend};
const int mica_num_backends = 1;

/* Every sample through the program: the number of mismatching bytes, or -1 on an error. */
static long run(mica_ctx_t *ctx, const vec_file_t *v) {
    static uint8_t out[1 << 16];
    long bad = 0;
    for (uint32_t s = 0; s < v->samples; s++) {
        for (uint32_t i = 0; i < v->ninputs; i++)
            if (mica_set_input(ctx, (int)i, vec_data(v, s, 0, i), vec_tensor(v, 0, i)->bytes))
                return -1;
        if (mica_invoke(ctx) != MICA_OK)
            return -1;
        for (uint32_t o = 0; o < v->noutputs; o++) {
            size_t n = vec_tensor(v, 1, o)->bytes;
            if (n > sizeof out || mica_get_output(ctx, (int)o, out, n))
                return -1;
            for (size_t k = 0; k < n; k++)
                bad += out[k] != vec_data(v, s, 1, o)[k];
        }
    }
    return bad;
}

int main(int argc, char **argv) {
    int failures = 0;
    if (argc < 3 || argc % 2 == 0) {
        fprintf(stderr, "usage: mmio_host PROGRAM.mica VECTORS.vec [...]\n");
        return 2;
    }
    for (int a = 1; a + 1 < argc; a += 2) {
        vec_file_t v;
        char err[512];
        mica_ctx_t *ctx = NULL;
        long bad = -1;
        if (vec_read(argv[a + 1], &v, err, sizeof err)) {
            printf("FAIL %s: %s\n", argv[a + 1], err);
            failures++;
            continue;
        }
        if (mica_open("mmio", &ctx) == MICA_OK && mica_load_file(ctx, argv[a]) == MICA_OK &&
            vec_match_program(&v, ctx, err, sizeof err) == 0)
            bad = run(ctx, &v);
        uint64_t cycles[16] = {0};
        if (ctx)
            mica_counters(ctx, cycles, 1);
        printf("%s mmio %s: %u samples, %ld mismatching bytes, %llu cycles in the last%s%s\n",
               bad == 0 ? "ok  " : "FAIL", argv[a], v.samples, bad,
               (unsigned long long)cycles[0], bad < 0 ? ": " : "",
               bad < 0 ? (ctx ? mica_last_error(ctx) : "cannot open") : "");
        failures += bad != 0;
        mica_close(ctx);
        vec_free(&v);
    }
    printf("mmio_host: %s\n", failures ? "FAIL" : "PASS");
    return failures != 0;
}
