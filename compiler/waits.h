/* Wait bits from data dependencies, using the ISA's in-order issue.
 *
 * The controller issues in program order, an instruction issues only when its unit is idle, and a
 * wait bit on unit u holds it until every earlier u instruction has finished (hw/mica.json). So
 * once an instruction has issued, some earlier instructions are known to be finished:
 *   - with wait bit u: every earlier instruction of unit u;
 *   - on LOAD, WEIGHT or STORE (one instruction at a time): every earlier one of its own unit;
 *   - MATMUL and DWCONV (implicit WEIGHT wait): every earlier LOADW.
 * A DWCONV also waits for every earlier MATMUL, but as that is not all of ARRAY it is not used.
 * The pipelined ARRAY unit gives no such guarantee for earlier MATMULs.
 * The lowering names, for each instruction, the earlier instructions whose results it reads or
 * whose reads it overwrites (tickets); a wait bit is set only for a ticket not already known
 * finished. The schedule's overlap then comes from where the lowering places an instruction, and
 * a misplaced one only costs a stall, never a wrong result. */
#ifndef MICA_WAITS_H
#define MICA_WAITS_H
#include <stdint.h>
#include "builder.h"

#define MICA_UNITS 4

/* The seq-th instruction (1-based) issued to unit `unit`; seq 0 = nothing to wait for. */
typedef struct {
    uint8_t unit;
    uint32_t seq;
} mica_ticket_t;

typedef struct {
    uint32_t issued[MICA_UNITS];   /* instructions emitted so far, per unit */
    uint32_t finished[MICA_UNITS]; /* how many of them are known finished when the next issues */
} mica_waits_t;

/* Sets the instruction's wait field for its tickets and appends it; *self (may be NULL) gets its
 * own ticket (seq 0 for SYNC and END). 0, or -1 with b->err set. */
int mica_emit_after(mica_builder_t *b, mica_waits_t *w, mica_instr_t *in, const mica_ticket_t *deps,
                    int ndeps, mica_ticket_t *self);
/* The same, waiting for every instruction issued so far on the units in `units` (MICA_UNIT_*
 * mask), set even where in-order issue already guarantees it: a stage boundary stated in full. */
int mica_emit_drained(mica_builder_t *b, mica_waits_t *w, mica_instr_t *in, unsigned units,
                      mica_ticket_t *self);

#endif
