/* Control step parameter blocks (mica_control.h): decoded and checked, at load and before each
 * run (emitted programs skip the loader). Freestanding. */
#include <string.h>
#include "mica_control.h"
#include "mica_fmt.h"

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        mica_snprintf(err, errlen, __VA_ARGS__);                                                   \
        return -1;                                                                                 \
    } while (0)

typedef struct {
    const uint8_t *at;
    uint32_t left; /* words */
} words_t;

static int next(words_t *w, uint32_t *v) {
    if (!w->left)
        return -1;
    memcpy(v, w->at, 4);
    w->at += 4;
    w->left--;
    return 0;
}

/* none_ok: the list may hold MICA_CTRL_NO_TENSOR (IF's and WHILE's constant inputs). */
static int tensor_list(words_t *w, uint32_t n, uint32_t *dst, const mica_program_t *p,
                       int none_ok) {
    if (n > MICA_CTRL_MAX_IO)
        return -1;
    for (uint32_t k = 0; k < n; k++)
        if (next(w, &dst[k]) ||
            (dst[k] >= p->hdr.ntensors && !(none_ok && dst[k] == MICA_CTRL_NO_TENSOR)))
            return -1;
    return 0;
}

const char *mica_ctrl_op_name(uint32_t op) {
    return op == MICA_CTRL_CALL_ONCE ? "CALL_ONCE"
           : op == MICA_CTRL_IF      ? "IF"
           : op == MICA_CTRL_WHILE   ? "WHILE"
                                     : "UNKNOWN";
}

static uint32_t bytes_of(const mica_program_t *p, uint32_t t) {
    return p->tensors[t].bytes;
}

/* Every copy pairs tensors of equal size: caller -> region inputs, region outputs -> caller. */
static int sizes_match(const mica_program_t *p, const uint32_t *a, const uint32_t *b, uint32_t n) {
    for (uint32_t k = 0; k < n; k++)
        if (a[k] != MICA_CTRL_NO_TENSOR && bytes_of(p, a[k]) != bytes_of(p, b[k]))
            return 0;
    return 1;
}

static int arity_ok(const mica_program_t *p, const mica_ctrl_t *c) {
    const mica_region_t *r0 = &c->region[0], *r1 = &c->region[1];
    switch (c->op) {
    case MICA_CTRL_CALL_ONCE:
        return c->nregions == 1 && !c->nin && !c->nout && !r0->nin && !r0->nout &&
               (p->tensors[c->tensor].dtype & MICA_DT_STATE) && bytes_of(p, c->tensor) >= 1;
    case MICA_CTRL_IF:
        for (int r = 0; r < 2; r++)
            if (c->region[r].nin != c->nin || c->region[r].nout != c->nout ||
                !sizes_match(p, c->in, c->region[r].in, c->nin) ||
                !sizes_match(p, c->region[r].out, c->out, c->nout))
                return 0;
        return c->nregions == 2 && bytes_of(p, c->tensor) == 1;
    case MICA_CTRL_WHILE:
        return c->nregions == 2 && c->nin == c->nout && c->max_iterations >= 1 &&
               r0->nin == c->nin && r0->nout == 1 && bytes_of(p, r0->out[0]) == 1 &&
               r1->nin == c->nin && r1->nout == c->nin && sizes_match(p, c->in, c->out, c->nin) &&
               sizes_match(p, c->out, r0->in, c->nin) && sizes_match(p, c->out, r1->in, c->nin) &&
               sizes_match(p, r1->out, c->out, c->nin);
    default:
        return 0;
    }
}

int mica_ctrl_parse(const mica_program_t *p, uint32_t s, mica_ctrl_t *c, char *err, size_t errlen) {
    const mica_prog_step_t *st = &p->steps[s];
    memset(c, 0, sizeof *c);
    c->op = st->op;
    if ((uint64_t)st->params_offset + st->params_size > p->hdr.params_size || st->params_size % 4)
        FAIL("program: step %u (%s) parameters outside the blob", s, mica_ctrl_op_name(st->op));
    words_t w = {p->params + st->params_offset, st->params_size / 4};
    if (next(&w, &c->tensor) || next(&w, &c->max_iterations) || next(&w, &c->nin) ||
        next(&w, &c->nout) || next(&w, &c->nregions) || c->nregions < 1 || c->nregions > 2 ||
        (c->op != MICA_CTRL_WHILE && c->tensor >= p->hdr.ntensors) ||
        tensor_list(&w, c->nin, c->in, p, 1) || tensor_list(&w, c->nout, c->out, p, 0))
        FAIL("program: step %u (%s) has a malformed control block", s, mica_ctrl_op_name(c->op));
    for (uint32_t r = 0; r < c->nregions; r++) {
        mica_region_t *g = &c->region[r];
        if (next(&w, &g->first) || next(&w, &g->count) || next(&w, &g->nin) || next(&w, &g->nout) ||
            tensor_list(&w, g->nin, g->in, p, 0) || tensor_list(&w, g->nout, g->out, p, 0))
            FAIL("program: step %u (%s) has a malformed region %u", s, mica_ctrl_op_name(c->op), r);
        if (g->first <= s || (uint64_t)g->first + g->count > p->hdr.nsteps)
            FAIL("program: step %u (%s) region %u (steps %u..+%u) is not after the step and "
                 "inside the %u steps",
                 s, mica_ctrl_op_name(c->op), r, g->first, g->count, p->hdr.nsteps);
    }
    if (!arity_ok(p, c))
        FAIL("program: step %u (%s) operands do not match its regions (count, size or flag)", s,
             mica_ctrl_op_name(c->op));
    return 0;
}

uint32_t mica_ctrl_main_end(const mica_program_t *p) {
    uint32_t end = p->hdr.nsteps;
    char err[8];
    for (uint32_t s = 0; s < p->hdr.nsteps; s++) {
        mica_ctrl_t c;
        if (p->steps[s].kind != MICA_STEP_CTRL || mica_ctrl_parse(p, s, &c, err, sizeof err))
            continue;
        for (uint32_t r = 0; r < c.nregions; r++)
            if (c.region[r].first < end)
                end = c.region[r].first;
    }
    return end;
}
