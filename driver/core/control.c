/* Control steps (mica_control.h): CALL_ONCE, IF and WHILE run regions of the step table, with
 * the tensors they pass copied in device memory. Freestanding, shared with the firmware. */
#include <string.h>
#include "mica_control.h"
#include "mica_fmt.h"
#include "runtime_ctx.h"

static mica_status_t device_error(mica_ctx_t *c, uint32_t s, const char *what) {
    mica_snprintf(c->err, sizeof c->err, "step %u (%s): device %s failed", s, c->prog.steps[s].name,
                  what);
    return MICA_E_BACKEND;
}

static mica_status_t copy_tensor(mica_ctx_t *c, uint32_t s, uint32_t from, uint32_t to) {
    uint8_t buf[256];
    if (from == to || from == MICA_CTRL_NO_TENSOR) /* a constant: already written */
        return MICA_OK;
    const mica_prog_tensor_t *a = &c->prog.tensors[from], *b = &c->prog.tensors[to];
    for (uint32_t at = 0; at < a->bytes; at += sizeof buf) {
        uint32_t n = a->bytes - at < sizeof buf ? a->bytes - at : (uint32_t)sizeof buf;
        if (c->be.mem_read(c->be.state, a->addr + at, buf, n))
            return device_error(c, s, "read");
        if (c->be.mem_write(c->be.state, b->addr + at, buf, n))
            return device_error(c, s, "write");
    }
    return MICA_OK;
}

static mica_status_t copy_list(mica_ctx_t *c, uint32_t s, const uint32_t *from, const uint32_t *to,
                               uint32_t n) {
    for (uint32_t k = 0; k < n; k++) {
        mica_status_t r = copy_tensor(c, s, from[k], to[k]);
        if (r != MICA_OK)
            return r;
    }
    return MICA_OK;
}

static mica_status_t read_byte(mica_ctx_t *c, uint32_t s, uint32_t t, uint8_t *v) {
    return c->be.mem_read(c->be.state, c->prog.tensors[t].addr, v, 1) ? device_error(c, s, "read")
                                                                      : MICA_OK;
}

static mica_status_t run_region(mica_ctx_t *c, const mica_region_t *g, int depth) {
    return mica_run_steps(c, g->first, g->first + g->count, depth + 1);
}

static mica_status_t run_call_once(mica_ctx_t *c, uint32_t s, const mica_ctrl_t *k, int depth) {
    uint8_t done;
    static const uint8_t one = 1;
    mica_status_t r = read_byte(c, s, k->tensor, &done);
    if (r != MICA_OK || done)
        return r;
    if ((r = run_region(c, &k->region[0], depth)) != MICA_OK)
        return r;
    return c->be.mem_write(c->be.state, c->prog.tensors[k->tensor].addr, &one, 1)
               ? device_error(c, s, "write")
               : MICA_OK;
}

static mica_status_t run_if(mica_ctx_t *c, uint32_t s, const mica_ctrl_t *k, int depth) {
    uint8_t cond;
    mica_status_t r = read_byte(c, s, k->tensor, &cond);
    if (r != MICA_OK)
        return r;
    const mica_region_t *g = &k->region[cond ? 0 : 1];
    if ((r = copy_list(c, s, k->in, g->in, k->nin)) != MICA_OK ||
        (r = run_region(c, g, depth)) != MICA_OK)
        return r;
    return copy_list(c, s, g->out, k->out, k->nout);
}

/* The loop variables live in WHILE's outputs; cond and body read copies of them. */
static mica_status_t run_while(mica_ctx_t *c, uint32_t s, const mica_ctrl_t *k, int depth) {
    const mica_region_t *cond = &k->region[0], *body = &k->region[1];
    mica_status_t r = copy_list(c, s, k->in, k->out, k->nin);
    for (uint32_t it = 0; r == MICA_OK; it++) {
        uint8_t more;
        if ((r = copy_list(c, s, k->out, cond->in, k->nin)) != MICA_OK ||
            (r = run_region(c, cond, depth)) != MICA_OK ||
            (r = read_byte(c, s, cond->out[0], &more)) != MICA_OK || !more)
            return r;
        if (it == k->max_iterations) {
            mica_snprintf(c->err, sizeof c->err,
                          "step %u (%s): WHILE ran its body %u times and its condition is still "
                          "true: stopped at the program's loop limit (MICA_WHILE_MAX_ITERATIONS_"
                          "DEFAULT), so that a loop that never ends cannot hang",
                          s, c->prog.steps[s].name, k->max_iterations);
            return MICA_E_TIMEOUT;
        }
        if ((r = copy_list(c, s, k->out, body->in, k->nin)) != MICA_OK ||
            (r = run_region(c, body, depth)) != MICA_OK)
            return r;
        r = copy_list(c, s, body->out, k->out, k->nin);
    }
    return r;
}

mica_status_t mica_run_ctrl_step(mica_ctx_t *c, uint32_t s, int depth) {
    mica_ctrl_t k;
    if (mica_ctrl_parse(&c->prog, s, &k, c->err, sizeof c->err))
        return MICA_E_FORMAT;
    if (depth >= MICA_CTRL_MAX_DEPTH) {
        mica_snprintf(c->err, sizeof c->err,
                      "step %u (%s): subgraphs nested deeper than %d (the runtime's limit)", s,
                      c->prog.steps[s].name, MICA_CTRL_MAX_DEPTH);
        return MICA_E_FORMAT;
    }
    switch (k.op) {
    case MICA_CTRL_CALL_ONCE:
        return run_call_once(c, s, &k, depth);
    case MICA_CTRL_IF:
        return run_if(c, s, &k, depth);
    default:
        return run_while(c, s, &k, depth);
    }
}
