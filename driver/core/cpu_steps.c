/* CPU fallback steps. Operands are read from and written back to device memory, so a CPU step
 * works the same whether the device is a simulator, a model, a board on USB or the MCU's own
 * interpreter. */
#include <string.h>
#include "cpu_steps.h"
#include "mica_fmt.h"
#include "mica_kernels.h"

static size_t aligned(size_t bytes) {
    return (bytes + 7u) & ~(size_t)7u;
}

size_t mica_cpu_step_scratch_bytes(const mica_program_t *p, const mica_prog_step_t *st) {
    size_t total = 0;
    for (uint32_t i = 0; i < st->ninputs; i++)
        total += aligned(p->tensors[st->inputs[i]].bytes);
    for (uint32_t i = 0; i < st->noutputs; i++)
        total += aligned(p->tensors[st->outputs[i]].bytes);
    return total;
}

/* Operands in scratch: inputs read from the device, then room for the outputs. */
static int gather(const mica_program_t *p, const mica_prog_step_t *st, mica_backend_t *be,
                  uint8_t *scratch, mica_kernel_call_t *k) {
    memset(k, 0, sizeof *k);
    k->params = p->params + st->params_offset;
    k->params_size = st->params_size;
    k->ninputs = (int)st->ninputs;
    k->noutputs = (int)st->noutputs;
    for (uint32_t i = 0; i < st->ninputs; i++) {
        const mica_prog_tensor_t *t = &p->tensors[st->inputs[i]];
        k->in[i] = (const int8_t *)scratch;
        k->in_bytes[i] = t->bytes;
        if (be->mem_read(be->state, t->addr, scratch, t->bytes))
            return -1;
        scratch += aligned(t->bytes);
    }
    for (uint32_t i = 0; i < st->noutputs; i++) {
        k->out[i] = (int8_t *)scratch;
        k->out_bytes[i] = p->tensors[st->outputs[i]].bytes;
        scratch += aligned(k->out_bytes[i]);
    }
    return 0;
}

mica_status_t mica_run_cpu_step(const mica_program_t *p, const mica_prog_step_t *st,
                                mica_backend_t *be, uint8_t *scratch, char *err, size_t errlen) {
    const char *name;
    mica_kernel_fn fn = mica_kernel_find(st->op, &name);
    mica_kernel_call_t k;
    if (!fn) {
        mica_snprintf(err, errlen, "step %s: unknown CPU kernel %u", st->name, st->op);
        return MICA_E_FORMAT;
    }
    if (gather(p, st, be, scratch, &k)) {
        mica_snprintf(err, errlen, "step %s: device read failed", st->name);
        return MICA_E_BACKEND;
    }
    int rc = fn(&k);
    if (rc == MICA_KERNEL_E_INDEX) {
        mica_snprintf(err, errlen,
                      "step %s: an index operand is outside its axis (TFLite fails "
                      "the invoke there too)",
                      st->name);
        return MICA_E_KERNEL;
    }
    if (rc) {
        mica_snprintf(err, errlen, "step %s: %s kernel parameters do not fit its operands",
                      st->name, name);
        return MICA_E_KERNEL;
    }
    for (uint32_t i = 0; i < st->noutputs; i++)
        if (be->mem_write(be->state, p->tensors[st->outputs[i]].addr, k.out[i], k.out_bytes[i])) {
            mica_snprintf(err, errlen, "step %s: device write failed", st->name);
            return MICA_E_BACKEND;
        }
    return MICA_OK;
}
