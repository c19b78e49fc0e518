/* Energy model: event counts (the accelerator's activity counters, or the compiler's cost-model
 * counts) times per-event energies from a technology table (hw/energy/NODE.json, parsed outside the
 * core into mica_energy_tech_t). One function, mica_energy_compute, turns both the estimate and
 * the measurement into energy per component, so their difference is the counts' difference.
 *
 * The rules (README "Energy model"):
 *  MAC     macs x (mac_pj + 41 x reg_pj_per_bit): the int8 MAC and its operands moving to the
 *          next PE (9-bit activation, 32-bit partial sum registers, rtl/mica_pe.sv).
 *  SRAMs   per access: width_bits x sram_read_pj_per_bit x sqrt(capacity / sram_ref_bytes),
 *          writes x sram_write_factor (a CACTI-like rule through two anchors). ASPAD: R-byte
 *          rows; WSPAD: C-byte rows, and each row read fills C bytes of PE weight registers; ACC:
 *          4C-byte rows, two copies written together (rtl/mica_top.sv); PARAM: 4C-byte rows.
 *  EXT     (DMA read + DMA write + instruction fetch bytes) x 8 x ext_pj_per_bit.
 *  STATIC  cycles x (on-chip KiB x static_pj_per_cycle_per_kib + R*C x static_pj_per_cycle_per_pe).
 * Freestanding: no libc or libm. */
#ifndef MICA_ENERGY_H
#define MICA_ENERGY_H
#include <stdint.h>
#include "mica_cost.h"
#include "mica_hw.h"
#include "mica_isa.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A technology table's numbers (all >= 0; sram_ref_bytes and sram_write_factor > 0). */
typedef struct {
    char name[32];
    double mac_pj;                      /* one int8 multiply-accumulate */
    double reg_pj_per_bit;              /* a register bit written (PE operand movement) */
    double sram_read_pj_per_bit;        /* per bit of a read, at sram_ref_bytes of capacity */
    double sram_ref_bytes;              /* the capacity sram_read_pj_per_bit is given for */
    double sram_write_factor;           /* write energy / read energy */
    double ext_pj_per_bit;              /* external memory, per bit transferred */
    double static_pj_per_cycle_per_kib; /* on-chip memory leakage, per clock cycle */
    double static_pj_per_cycle_per_pe;  /* array leakage per PE, per clock cycle */
} mica_energy_tech_t;

/* Energy components, in the order of the report's "energy_pj" object. */
enum {
    MICA_EN_MAC,
    MICA_EN_ASPAD,
    MICA_EN_WSPAD,
    MICA_EN_ACC,
    MICA_EN_PARAM,
    MICA_EN_EXT,
    MICA_EN_STATIC,
    MICA_EN_COMPONENTS
};
extern const char *const mica_energy_component_names[MICA_EN_COMPONENTS]; /* "mac", "aspad", ... */

/* The energy-relevant events of one accelerator step. */
typedef struct {
    uint64_t macs, cycles;
    uint64_t aspad_reads, aspad_writes, wspad_reads, wspad_writes;
    uint64_t acc_reads, acc_writes, param_reads, param_writes;
    uint64_t ext_read_bytes, ext_write_bytes, fetch_bytes;
} mica_energy_events_t;

/* From the counters of a step (MICA_NUM_COUNTERS values, hw/mica.json order). */
void mica_energy_events_from_counters(const uint64_t *counters, mica_energy_events_t *ev);
/* From the cost model's counts of a step's instructions, plus the events mica_cost_t does not
 * carry (LOAD rows per target, PARAM reads per STORE, fetched bytes), which follow from the
 * instructions alone. */
void mica_energy_events_from_cost(const mica_hw_config_t *hw, const mica_cost_t *cost,
                                  const mica_instr_t *code, uint32_t count,
                                  mica_energy_events_t *ev);
/* Energy of one access to an on-chip memory of depth rows of width bytes (write: 1). */
double mica_energy_sram_access_pj(const mica_energy_tech_t *t, uint32_t width_bytes, uint32_t depth,
                                  int write);
/* On-chip memory bytes of a configuration (ACC counted twice: two copies). */
uint64_t mica_energy_onchip_bytes(const mica_hw_config_t *hw);
/* pj[MICA_EN_COMPONENTS] for the events; returns their sum. */
double mica_energy_compute(const mica_energy_tech_t *t, const mica_hw_config_t *hw,
                           const mica_energy_events_t *ev, double *pj);

#ifdef __cplusplus
}
#endif

#endif
