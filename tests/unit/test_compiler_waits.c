/* waits.c: which wait bits an instruction gets from its tickets. Rules: a ticket with seq 0 needs
 * nothing; a ticket is known finished once a later instruction waited for its unit, or once a
 * later instruction issued on the same unit (in-order units are idle at issue), or, for WEIGHT,
 * once a MATMUL or DWCONV issued (they wait for the weight unit implicitly); END waits for all. */
#include <stdlib.h>
#include "waits.h"
#include "test_compiler_util.h"

static mica_builder_t B;
static mica_waits_t W;

static const unsigned LOAD = 0, WEIGHT = 1, ARRAY = 2, STORE = 3; /* unit bit indices */

static mica_instr_t make(unsigned opcode) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, opcode);
    return in;
}

/* Emits opcode after deps; returns its wait mask, *t its ticket. */
static unsigned issue(unsigned opcode, const mica_ticket_t *deps, int ndeps, mica_ticket_t *t) {
    mica_instr_t in = make(opcode);
    if (mica_emit_after(&B, &W, &in, deps, ndeps, t))
        return 0xFFu;
    return (unsigned)MICA_GET((const mica_instr_t *)B.code.data + mica_code_count(&B) - 1,
                              MICA_F_WAIT);
}

static void reset(void) {
    mica_buf_free(&B.code);
    memset(&W, 0, sizeof W);
}

static void tickets_per_unit(void) {
    reset();
    static const struct {
        unsigned op, unit;
    } ops[] = {{MICA_OP_LOAD, 0},   {MICA_OP_LOADW, 1},   {MICA_OP_MATMUL, 2},
               {MICA_OP_DWCONV, 2}, {MICA_OP_RESCALE, 2}, {MICA_OP_STORE, 3}};
    unsigned seq[4] = {0};
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        mica_ticket_t t;
        issue(ops[i].op, NULL, 0, &t);
        CHECK(t.unit == ops[i].unit && t.seq == ++seq[ops[i].unit],
              "opcode %u: ticket unit %u seq %u", ops[i].op, t.unit, t.seq);
    }
    mica_ticket_t t = {1, 1};
    issue(MICA_OP_SYNC, NULL, 0, &t);
    CHECK(t.seq == 0, "SYNC has no ticket");
    CHECK(issue(MICA_OP_END, NULL, 0, &t) == 0xFu && t.seq == 0,
          "END waits for every unit, no ticket");
}

static void known_finished(void) {
    reset();
    mica_ticket_t l1, l2, m, s, none = {0, 0};
    issue(MICA_OP_LOAD, NULL, 0, &l1);
    CHECK(issue(MICA_OP_MATMUL, &none, 1, &m) == 0, "seq 0 needs no wait");
    CHECK(issue(MICA_OP_STORE, &l1, 1, &s) == (1u << LOAD), "an unfinished LOAD sets the LOAD bit");
    CHECK(issue(MICA_OP_STORE, &l1, 1, &s) == 0, "after a wait on LOAD, l1 is known finished");
    issue(MICA_OP_LOAD, NULL, 0, &l1);
    issue(MICA_OP_LOAD, NULL, 0, &l2); /* LOAD issues in order: l1 finished when l2 issued */
    CHECK(issue(MICA_OP_MATMUL, &l1, 1, &m) == 0, "a later LOAD's issue finishes l1");
    CHECK(issue(MICA_OP_MATMUL, &l2, 1, &m) == (1u << LOAD), "l2 not known finished");
    mica_ticket_t deps[2] = {m, l2};
    CHECK(issue(MICA_OP_STORE, deps, 2, &s) == (1u << ARRAY),
          "two tickets: only the unfinished one's bit");
}

static void weight_unit(void) {
    reset();
    mica_ticket_t w, m, s;
    issue(MICA_OP_LOADW, NULL, 0, &w);
    CHECK(issue(MICA_OP_STORE, &w, 1, &s) == (1u << WEIGHT), "LOADW unfinished: WEIGHT bit");
    issue(MICA_OP_LOADW, NULL, 0, &w);
    issue(MICA_OP_MATMUL, NULL, 0, &m); /* waits for the weight unit implicitly */
    CHECK(issue(MICA_OP_STORE, &w, 1, &s) == 0, "MATMUL finished the LOADW");
    issue(MICA_OP_LOADW, NULL, 0, &w);
    issue(MICA_OP_DWCONV, NULL, 0, &m);
    CHECK(issue(MICA_OP_STORE, &w, 1, &s) == 0, "DWCONV finished the LOADW");
    CHECK(issue(MICA_OP_LOAD, &s, 1, &s) == (1u << STORE), "STORE unfinished: STORE bit");
}

static void drained(void) {
    reset();
    mica_ticket_t l;
    issue(MICA_OP_LOAD, NULL, 0, &l);
    issue(MICA_OP_STORE, &l, 1, &l); /* waits for LOAD: every LOAD known finished */
    mica_instr_t in = make(MICA_OP_MATMUL);
    CHECK(mica_emit_drained(&B, &W, &in, MICA_UNIT_LOAD | MICA_UNIT_STORE, NULL) == 0, "emit");
    unsigned wait = (unsigned)MICA_GET((const mica_instr_t *)B.code.data + mica_code_count(&B) - 1,
                                       MICA_F_WAIT);
    CHECK(wait == (MICA_UNIT_LOAD | MICA_UNIT_STORE),
          "a drain sets its bits even when known finished (%u)", wait);
    CHECK(issue(MICA_OP_LOADW, &l, 1, &l) == 0, "after the drain the STORE is known finished");
}

int main(void) {
    CHECK(MICA_UNIT_LOAD == 1u << LOAD && MICA_UNIT_WEIGHT == 1u << WEIGHT &&
              MICA_UNIT_ARRAY == 1u << ARRAY && MICA_UNIT_STORE == 1u << STORE,
          "unit bits as in the spec");
    tickets_per_unit();
    known_finished();
    weight_unit();
    drained();
    mica_buf_free(&B.code);
    return TEST_DONE("test_compiler_waits");
}
