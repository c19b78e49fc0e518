/* libFuzzer target: the .mica program loader, then every CPU step's kernel on its operands
 * (zero-filled), so that parameter-block validation is fuzzed too. A mutated program fails its
 * CRC-32, so the custom mutator reseals most mutations (size and checksum fixed up): those reach
 * the checks behind the checksum, the others test the checksum itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mica_program.h"
#include "mica_kernels.h"

static volatile int sink;

static void run_cpu_steps(const mica_program_t *p) {
    for (uint32_t s = 0; s < p->hdr.nsteps; s++) {
        const mica_prog_step_t *st = &p->steps[s];
        mica_kernel_fn fn = st->kind == MICA_STEP_CPU ? mica_kernel_find(st->op, NULL) : NULL;
        if (!fn) continue;
        mica_kernel_call_t k;
        memset(&k, 0, sizeof k);
        k.params = p->params + st->params_offset;
        k.params_size = st->params_size;
        k.ninputs = (int)st->ninputs;
        k.noutputs = (int)st->noutputs;
        int ok = 1;
        for (uint32_t i = 0; i < st->ninputs; i++) {
            k.in_bytes[i] = p->tensors[st->inputs[i]].bytes;
            ok &= (k.in[i] = calloc(1, k.in_bytes[i] + 1)) != NULL;
        }
        for (uint32_t i = 0; i < st->noutputs; i++) {
            k.out_bytes[i] = p->tensors[st->outputs[i]].bytes;
            ok &= (k.out[i] = calloc(1, k.out_bytes[i] + 1)) != NULL;
        }
        if (ok) sink = fn(&k);
        for (int i = 0; i < MICA_KERNEL_MAX_IO; i++) { free((void *)k.in[i]); free(k.out[i]); }
    }
}

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
    size = LLVMFuzzerMutate(data, size, max_size);
    if (size >= sizeof(mica_prog_header_t) && seed % 16 != 0) mica_program_seal(data, size);   /* 15 in 16 */
    return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mica_program_t p;
    char err[256];
    if (mica_program_parse(data, size, &p, err, sizeof err) == 0) {
        if (p.hdr.arena_size < (64u << 20)) run_cpu_steps(&p);
        mica_program_free(&p);
    }
    return 0;
}
