/* An application that embeds only the runtime core (build/libmica_core.a: loader, runtime walk,
 * CPU kernels; no simulator, no OpenBLAS, no libstdc++, not even driver/port) with a port of its
 * own (mica_port.h: stdio files, no clock) and a backend registry of its own: one memory-only
 * device "mem" that runs no instructions (START raises ERROR at once). It shows
 *   1. the registry is the application's: "mem" opens, "func" and "rtl" are unknown;
 *   2. a program whose steps are all CPU runs on it and gives LiteRT's bytes (committed vectors);
 *   3. a program with accelerator steps fails cleanly with MICA_E_HW and a one-line message.
 *   embed_core CPU_PROGRAM.mica VECTORS.vec ACCEL_PROGRAM.mica */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mica.h"
#include "mica_backend.h"
#include "mica_isa.h"
#include "mica_port.h"
#include "vecfile.h"

typedef struct {
    mica_hw_config_t cfg;
    uint8_t *mem;
    uint32_t size;
    uint32_t status, error;
} mem_device_t;

static int mem_write(void *s, uint32_t addr, const void *src, size_t n) {
    mem_device_t *d = s;
    if (addr > d->size || n > d->size - addr)
        return -1;
    memcpy(d->mem + addr, src, n);
    return 0;
}

static int mem_read(void *s, uint32_t addr, void *dst, size_t n) {
    mem_device_t *d = s;
    if (addr > d->size || n > d->size - addr)
        return -1;
    memcpy(dst, d->mem + addr, n);
    return 0;
}

static uint32_t csr_read(void *s, uint32_t addr) {
    mem_device_t *d = s;
    switch (addr) {
    case MICA_CSR_ID:
        return MICA_CSR_ID_VALUE;
    case MICA_CSR_CONFIG0:
        return d->cfg.rows | d->cfg.cols << 16;
    case MICA_CSR_CONFIG1:
        return d->cfg.aspad_depth | d->cfg.wspad_depth << 16;
    case MICA_CSR_CONFIG2:
        return d->cfg.acc_depth | d->cfg.param_sets << 16 | d->cfg.bus_bytes << 24;
    case MICA_CSR_STATUS:
        return d->status;
    case MICA_CSR_ERROR:
        return d->error;
    default:
        return 0; /* ERROR_PC, counters, ...: 0 */
    }
}

/* START: this device decodes no instruction, so the first one is illegal. */
static void csr_write(void *s, uint32_t addr, uint32_t value) {
    mem_device_t *d = s;
    if (addr == MICA_CSR_CTRL && (value & MICA_CTRL_START)) {
        d->status = MICA_STATUS_ERROR;
        d->error = MICA_ERR_ILLEGAL_OPCODE;
    }
}

static mica_wait_t wait_done(void *s, uint64_t max_cycles) {
    (void)max_cycles;
    return ((mem_device_t *)s)->status & MICA_STATUS_ERROR ? MICA_WAIT_HW_ERROR : MICA_WAIT_DONE;
}

static void reset(void *s) {
    mem_device_t *d = s;
    d->status = d->error = 0;
}

static void close_device(void *s) {
    mem_device_t *d = s;
    free(d->mem);
    free(d);
}

static int open_mem(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                    mica_backend_t *out, char *err, size_t errlen) {
    (void)options; /* the runtime refused every option this device does not list (none) */
    mem_device_t *d = calloc(1, sizeof *d);
    if (d)
        d->mem = calloc(mem_bytes ? mem_bytes : 1, 1);
    if (!d || !d->mem) {
        free(d);
        snprintf(err, errlen, "mem backend: out of memory for %u bytes", mem_bytes);
        return -1;
    }
    d->cfg = *cfg;
    d->size = mem_bytes;
    *out = (mica_backend_t){.name = "mem",
                            .state = d,
                            .mem_write = mem_write,
                            .mem_read = mem_read,
                            .csr_read = csr_read,
                            .csr_write = csr_write,
                            .wait = wait_done,
                            .reset = reset,
                            .close = close_device};
    return 0;
}

static const mica_backend_desc_t mem_backend = {"mem", open_mem, NULL, 0};
const mica_backend_desc_t *const mica_backends[] = {&mem_backend};
const int mica_num_backends = 1;

/* The port, as firmware with a file system but no clock would write it. */
void *mica_port_alloc(size_t bytes) {
    return calloc(1, bytes ? bytes : 1);
}

void mica_port_free(void *p) {
    free(p);
}

uint64_t mica_port_time_ns(void) {
    return 0;
}

int mica_port_read_file(const char *path, size_t max_bytes, uint8_t **out, size_t *len,
                        int *too_big, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    long size = -1;
    *too_big = 0;
    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (!f || size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "cannot open or seek");
        if (f)
            fclose(f);
        return -1;
    }
    *too_big = (unsigned long)size > max_bytes;
    *out = *too_big ? NULL : mica_port_alloc((size_t)size);
    *len = *out ? fread(*out, 1, (size_t)size, f) : 0;
    fclose(f);
    if (*too_big)
        snprintf(err, errlen, "%ld bytes, more than %zu", size, max_bytes);
    else if (!*out)
        snprintf(err, errlen, "out of memory for %ld bytes", size);
    return *out ? 0 : -1;
}

static int failures;

/* One line per check, with the runtime's message when there is one. */
static void expect(int ok, const char *what, const char *message) {
    int said = message && message[0];
    printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what, said ? ": " : "", said ? message : "");
    failures += !ok;
}

/* Every sample of the vectors through an all-CPU program; 0 when every output byte matches. */
static int run_vectors(mica_ctx_t *ctx, const vec_file_t *v) {
    static uint8_t out[1 << 16];
    for (uint32_t s = 0; s < v->samples; s++) {
        for (uint32_t i = 0; i < v->ninputs; i++)
            if (mica_set_input(ctx, (int)i, vec_data(v, s, 0, i), vec_tensor(v, 0, i)->bytes) !=
                MICA_OK)
                return -1;
        if (mica_invoke(ctx) != MICA_OK)
            return -1;
        for (uint32_t o = 0; o < v->noutputs; o++) {
            size_t n = vec_tensor(v, 1, o)->bytes;
            if (n > sizeof out || mica_get_output(ctx, (int)o, out, n) != MICA_OK)
                return -1;
            if (memcmp(out, vec_data(v, s, 1, o), n))
                return -1;
        }
    }
    return 0;
}

static int all_steps_on_cpu(const mica_ctx_t *ctx) {
    for (int i = 0; i < mica_num_layers(ctx); i++) {
        mica_layer_info_t info;
        if (mica_layer_info(ctx, i, &info) != MICA_OK || info.on_accel)
            return 0;
    }
    return mica_num_layers(ctx) > 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: embed_core CPU_PROGRAM.mica VECTORS.vec ACCEL_PROGRAM.mica\n");
        return 2;
    }
    vec_file_t v;
    char err[512];
    if (vec_read(argv[2], &v, err, sizeof err)) {
        fprintf(stderr, "embed_core: %s\n", err);
        return 2;
    }
    mica_ctx_t *ctx = NULL;
    char msg[256];
    expect(mica_check_backend("func", msg, sizeof msg) == MICA_E_BACKEND,
           "func is not in this registry", msg);
    expect(mica_check_backend("mem:latency=5", msg, sizeof msg) == MICA_E_BACKEND,
           "mem takes no options", msg);
    expect(mica_open("mem", &ctx) == MICA_OK, "open mem", NULL);
    if (ctx) {
        expect(mica_load_file(ctx, argv[1]) == MICA_OK && all_steps_on_cpu(ctx),
               "load a program of CPU steps only", mica_last_error(ctx));
        int matched = vec_match_program(&v, ctx, err, sizeof err) == 0;
        expect(matched && run_vectors(ctx, &v) == 0, "every sample equals LiteRT's bytes",
               matched ? mica_last_error(ctx) : err);
        expect(mica_load_file(ctx, argv[3]) == MICA_OK, "load a program with accelerator steps",
               mica_last_error(ctx));
        expect(mica_invoke(ctx) == MICA_E_HW && strstr(mica_last_error(ctx), "Opcode not defined"),
               "its invoke ends in MICA_E_HW", mica_last_error(ctx));
        mica_close(ctx);
    }
    vec_free(&v);
    printf("embed_core: %s (%u samples; libmica_core.a only)\n", failures ? "FAIL" : "PASS",
           v.samples);
    return failures ? 1 : 0;
}
