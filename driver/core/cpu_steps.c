/* CPU fallback steps. Operands are read from and written back to device memory, so a CPU step
 * works the same whether the device is a simulator, a model or a board on USB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpu_steps.h"
#include "mica_kernels.h"

static void free_call(mica_kernel_call_t *k) {
    for (int i = 0; i < MICA_KERNEL_MAX_IO; i++) {
        free((void *)k->in[i]);
        free(k->out[i]);
    }
}

/* Host copies of the operands: inputs read from the device, outputs allocated. */
static int gather(const mica_program_t *p, const mica_prog_step_t *st, mica_backend_t *be,
                  mica_kernel_call_t *k) {
    memset(k, 0, sizeof *k);
    k->params = p->params + st->params_offset;
    k->params_size = st->params_size;
    k->ninputs = (int)st->ninputs;
    k->noutputs = (int)st->noutputs;
    for (uint32_t i = 0; i < st->ninputs; i++) {
        const mica_prog_tensor_t *t = &p->tensors[st->inputs[i]];
        int8_t *b = malloc(t->bytes ? t->bytes : 1);
        k->in[i] = b;
        k->in_bytes[i] = t->bytes;
        if (!b || be->mem_read(be->state, t->addr, b, t->bytes))
            return -1;
    }
    for (uint32_t i = 0; i < st->noutputs; i++) {
        const mica_prog_tensor_t *t = &p->tensors[st->outputs[i]];
        k->out[i] = malloc(t->bytes ? t->bytes : 1);
        k->out_bytes[i] = t->bytes;
        if (!k->out[i])
            return -1;
    }
    return 0;
}

mica_status_t mica_run_cpu_step(const mica_program_t *p, const mica_prog_step_t *st,
                                mica_backend_t *be, char *err, size_t errlen) {
    const char *name;
    mica_kernel_fn fn = mica_kernel_find(st->op, &name);
    mica_kernel_call_t k;
    mica_status_t s = MICA_OK;
    if (!fn) {
        snprintf(err, errlen, "step %s: unknown CPU kernel %u", st->name, st->op);
        return MICA_E_FORMAT;
    }
    if (gather(p, st, be, &k)) {
        snprintf(err, errlen, "step %s: out of memory or device read failed", st->name);
        s = MICA_E_BACKEND;
    } else if (fn(&k)) {
        snprintf(err, errlen, "step %s: %s kernel parameters do not fit its operands", st->name,
                 name);
        s = MICA_E_KERNEL;
    } else {
        for (uint32_t i = 0; i < st->noutputs && s == MICA_OK; i++)
            if (be->mem_write(be->state, p->tensors[st->outputs[i]].addr, k.out[i],
                              k.out_bytes[i])) {
                snprintf(err, errlen, "step %s: device write failed", st->name);
                s = MICA_E_BACKEND;
            }
    }
    free_call(&k);
    return s;
}
