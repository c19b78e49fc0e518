/* Cycle and traffic model of an instruction range: in-order issue to four units, each busy for its
 * instruction's duration; wait masks and MATMUL's implicit wait on WEIGHT as in hw/mica.json.
 * Durations follow the RTL (rtl/DESIGN.md, timing facts): MATMUL T + R + C + 3 until ARRAY idle,
 * but the next MATMUL issues after T (pipelined); LOADW R + 2. Instructions come through the
 * 8-entry fetch queue (each issue refills one entry with its bus beats); LOAD and STORE send one
 * request per cycle on the shared port (fetch before STORE before LOAD), at most 16 in flight, and
 * finish when the last response is back; a STORE's first beat leaves 12 cycles after its issue. */
#ifndef MICA_COST_H
#define MICA_COST_H
#include <stdint.h>
#include "mica_hw.h"
#include "mica_isa.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MICA_MEM_LATENCY_DEFAULT 10u /* the simulator's default external memory latency */

typedef struct {
    uint64_t cycles;       /* until END retires */
    uint64_t array_cycles; /* MATMUL busy cycles */
    uint64_t issued_macs;  /* activation rows streamed x R x C */
    uint64_t ext_read_bytes,
        ext_write_bytes; /* bus beats x BUS_BYTES for loads, bytes for stores */
    uint64_t aspad_reads, wspad_reads, acc_reads, acc_writes;
    uint32_t aspad_rows_used, wspad_rows_used, acc_rows_used; /* peak addresses touched */
} mica_cost_t;

/* Unit bit index an opcode issues to (hw/mica.json "unit"), -1 for SYNC and END. */
int mica_opcode_unit(uint64_t opcode);
/* mem_latency: cycles from a memory request to its response (MICA_MEM_LATENCY_DEFAULT in the
 * simulator and the compiler's estimates); the port is assumed to take one beat per cycle. */
void mica_cost_instrs(const mica_hw_config_t *hw, uint32_t mem_latency, const mica_instr_t *code,
                      uint32_t count, mica_cost_t *out);

#ifdef __cplusplus
}
#endif

#endif
