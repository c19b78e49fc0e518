/* Mutation check for the CPU kernels: loads compiled .mica programs, and for every CPU step runs
 * the kernel with its real parameter block (must succeed) and then with many mutated copies
 * (random int32 fields set to small or extreme values, random bytes, truncated sizes), on exactly
 * sized buffers under ASan + UBSan. A kernel must return -1 or compute without any memory error.
 * Usage: fuzz_mutate ITERATIONS_PER_STEP PROGRAM.mica... (see tests/kernels/fuzz.sh) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mica_program.h"
#include "mica_kernels.h"

static uint64_t rng_state = 0x243F6A8885A308D3ull;
static uint32_t rnd(void) {
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

static void mutate(uint8_t *p, uint32_t size) {
    int n = 1 + (int)(rnd() % 3);
    for (int k = 0; k < n && size >= 4; k++) {
        uint32_t at = (rnd() % (size / 4)) * 4;
        int32_t v;
        switch (rnd() % 6) {
        case 0: v = (int32_t)(rnd() % 8) - 2; break;
        case 1: v = INT32_MAX; break;
        case 2: v = INT32_MIN; break;
        case 3: { int32_t old; memcpy(&old, p + at, 4); v = (int32_t)((uint32_t)old + rnd() % 5 - 2u); break; }
        case 4: v = (int32_t)rnd(); break;
        default: p[rnd() % size] = (uint8_t)rnd(); continue;
        }
        memcpy(p + at, &v, 4);
    }
}

/* Runs one call with exactly sized copies; returns the kernel's result. */
static int run(mica_kernel_fn fn, const mica_program_t *p, const mica_prog_step_t *st, const uint8_t *params, uint32_t psize) {
    mica_kernel_call_t c;
    memset(&c, 0, sizeof c);
    uint8_t *pc = malloc(psize ? psize : 1);
    memcpy(pc, params, psize);
    c.params = pc; c.params_size = psize;
    c.ninputs = (int)st->ninputs; c.noutputs = (int)st->noutputs;
    for (uint32_t i = 0; i < st->ninputs; i++) {
        uint32_t n = p->tensors[st->inputs[i]].bytes;
        int8_t *b = malloc(n ? n : 1);
        for (uint32_t k = 0; k < n; k++) b[k] = (int8_t)rnd();
        c.in[i] = b; c.in_bytes[i] = n;
    }
    for (uint32_t i = 0; i < st->noutputs; i++) {
        c.out_bytes[i] = p->tensors[st->outputs[i]].bytes;
        c.out[i] = malloc(c.out_bytes[i] ? c.out_bytes[i] : 1);
    }
    int rc = fn(&c);
    for (int i = 0; i < MICA_KERNEL_MAX_IO; i++) { free((void *)c.in[i]); free(c.out[i]); }
    free(pc);
    return rc;
}

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 2000, steps = 0, accepted = 0, total = 0;
    for (int a = 2; a < argc; a++) {
        FILE *f = fopen(argv[a], "rb");
        if (!f) { fprintf(stderr, "fuzz_mutate: cannot open %s\n", argv[a]); return 1; }
        static uint8_t buf[1 << 24];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        mica_program_t p;
        char err[256];
        if (mica_program_parse(buf, len, &p, err, sizeof err)) { fprintf(stderr, "fuzz_mutate: %s: %s\n", argv[a], err); return 1; }
        for (uint32_t s = 0; s < p.hdr.nsteps; s++) {
            const mica_prog_step_t *st = &p.steps[s];
            const char *name;
            mica_kernel_fn fn = st->kind == MICA_STEP_CPU ? mica_kernel_find(st->op, &name) : NULL;
            if (!fn) continue;
            const uint8_t *params = p.params + st->params_offset;
            if (run(fn, &p, st, params, st->params_size) != 0) {
                fprintf(stderr, "fuzz_mutate: %s step %u (%s) rejects its own parameters\n", argv[a], s, name);
                return 1;
            }
            steps++;
            uint8_t *m = malloc(st->params_size + 1);
            for (long i = 0; i < iters; i++) {
                memcpy(m, params, st->params_size);
                uint32_t psize = st->params_size;
                mutate(m, psize);
                if (rnd() % 8 == 0 && psize > 0) psize -= 1 + rnd() % (psize < 16 ? psize : 16);
                accepted += run(fn, &p, st, m, psize) == 0;
                total++;
            }
            free(m);
        }
        mica_program_free(&p);
    }
    printf("fuzz_mutate: %ld CPU steps, %ld mutated calls (%ld accepted), no sanitizer report\n", steps, total, accepted);
    return 0;
}
