#include <stdio.h>
#include "mica_cost.h"
#include "waits.h"

/* The one place wait bits are decided: the units drained, plus each ticket's unit when the
 * ticket is not known finished; END waits for every unit. */
static int emit(mica_builder_t *b, mica_waits_t *w, mica_instr_t *in, const mica_ticket_t *deps,
                int ndeps, unsigned drain, mica_ticket_t *self) {
    uint64_t op = MICA_GET(in, MICA_F_OPCODE), wait = drain;
    int u = mica_opcode_unit(op);
    for (int i = 0; i < ndeps; i++)
        if (deps[i].seq > w->finished[deps[i].unit])
            wait |= 1u << deps[i].unit;
    if (op == MICA_OP_END)
        wait = (1u << MICA_UNITS) - 1;
    if (MICA_SET(in, MICA_F_WAIT, wait) || mica_emit(b, in)) {
        snprintf(b->err, sizeof b->err, "out of memory for instructions");
        return -1;
    }
    for (int k = 0; k < MICA_UNITS; k++)
        if ((wait >> k) & 1)
            w->finished[k] = w->issued[k];
    int weight = __builtin_ctz(MICA_UNIT_WEIGHT);
    if (op == MICA_OP_MATMUL || op == MICA_OP_DWCONV)
        w->finished[weight] = w->issued[weight]; /* implicit WEIGHT wait */
    else if (u >= 0)
        w->finished[u] = w->issued[u]; /* unit was idle at issue */
    mica_ticket_t t = {0, 0};
    if (u >= 0)
        t.unit = (uint8_t)u, t.seq = ++w->issued[u];
    if (self)
        *self = t;
    return 0;
}

int mica_emit_after(mica_builder_t *b, mica_waits_t *w, mica_instr_t *in, const mica_ticket_t *deps,
                    int ndeps, mica_ticket_t *self) {
    return emit(b, w, in, deps, ndeps, 0, self);
}

int mica_emit_drained(mica_builder_t *b, mica_waits_t *w, mica_instr_t *in, unsigned units,
                      mica_ticket_t *self) {
    return emit(b, w, in, NULL, 0, units, self);
}
