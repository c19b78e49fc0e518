/* The reference interpreter of the Mica ISA (driver/core/isa_ref*.c): one function per opcode, each
 * the pseudo-code of hw/mica.json, the static checks in rtl/mica_decode.sv's order, the run loop and
 * the CSRs. It has no cycles: CYCLES, ARRAY_BUSY and STALL_* stay 0 (a backend fills them from the
 * cost model, as estimates). Freestanding C99; the memories are the caller's (mica_isa_ref_init)
 * or malloc (mica_isa_ref_new). The RTL top testbench, the simulator test and the
 * func backend's slow path run programs through it; the func fast path calls its LOAD. */
#ifndef MICA_ISA_REF_H
#define MICA_ISA_REF_H
#include <stddef.h>
#include <stdint.h>
#include "mica_hw.h"
#include "mica_isa.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Two counters have two definitions. RTL (hw/mica.json): DMA_RD_BYTES counts whole bus beats and
 * ASPAD_READS only the pixels inside the tile. PAYLOAD: the bytes a LOAD copies and every output
 * pixel, padding included: what the func backend has always reported. */
typedef enum { MICA_REF_COUNT_RTL = 0, MICA_REF_COUNT_PAYLOAD = 1 } mica_ref_counting_t;

typedef struct mica_isa_ref {
    mica_hw_config_t cfg;
    uint8_t *mem; /* external memory; addresses >= mem_bytes are bus errors */
    uint64_t mem_bytes;
    int8_t *aspad;               /* aspad_depth x rows */
    int8_t *wspad;               /* wspad_depth x cols */
    int32_t *acc;                /* acc_depth x cols */
    int32_t *param;              /* MICA_PARAM_ROWS * param_sets x cols */
    int8_t *w_shadow, *w_active; /* rows x cols: the array's weights */
    int8_t *v_shadow, *v_active; /* MICA_DWCONV_VSHADOW_ROWS x cols: the vector unit's weights */
    uint32_t prog_addr, prog_len, pc, error_code, error_pc; /* CSRs */
    int done, error;                                        /* STATUS bits */
    uint64_t counters[MICA_NUM_COUNTERS];
    uint32_t counter_hi_snapshot; /* high word latched by the last low-word read */
    mica_ref_counting_t counting;
    /* Called before a STORE writes [addr, addr + bytes) (func: drops translations that read it). */
    void (*before_write)(void *ctx, uint64_t addr, uint64_t bytes);
    void *hook_ctx;
} mica_isa_ref_t;

/* Bytes of on-chip memory (ASPAD, WSPAD, ACC, PARAM, shadows) for CFG; 0 if it overflows. */
size_t mica_isa_ref_buffer_bytes(const mica_hw_config_t *cfg);
/* Sets S up on BUF (mica_isa_ref_buffer_bytes(cfg) bytes, 4-byte aligned, zeroed by the caller)
 * and external memory MEM of MEM_BYTES. */
void mica_isa_ref_init(mica_isa_ref_t *s, const mica_hw_config_t *cfg, uint8_t *mem,
                       uint64_t mem_bytes, void *buf);
/* The same with zeroed memories from malloc (isa_ref_alloc.c); NULL when out of memory. */
mica_isa_ref_t *mica_isa_ref_new(const mica_hw_config_t *cfg, uint64_t mem_bytes);
void mica_isa_ref_free(mica_isa_ref_t *s);

/* The static checks of rtl/mica_decode.sv: MICA_ERR_NONE or the error code. */
uint32_t mica_isa_ref_check(const mica_hw_config_t *cfg, const mica_instr_t *in);
/* One opcode each, for an instruction that passed mica_isa_ref_check: MICA_ERR_NONE or
 * MICA_ERR_BUS (the rows before the failing one are done). */
uint32_t mica_isa_ref_load(mica_isa_ref_t *s, const mica_instr_t *in);
void mica_isa_ref_loadw(mica_isa_ref_t *s, const mica_instr_t *in);
void mica_isa_ref_matmul(mica_isa_ref_t *s, const mica_instr_t *in);
void mica_isa_ref_dwconv(mica_isa_ref_t *s, const mica_instr_t *in);
void mica_isa_ref_rescale(mica_isa_ref_t *s, const mica_instr_t *in);
uint32_t mica_isa_ref_store(mica_isa_ref_t *s, const mica_instr_t *in);
/* Check, then execute; *end = 1 at END. */
uint32_t mica_isa_ref_step(mica_isa_ref_t *s, const mica_instr_t *in, int *end);
/* CTRL.START: clears STATUS, ERROR and the counters, runs from PROG_ADDR to END or the first
 * error (ERROR, ERROR_PC set); returns the error code. */
uint32_t mica_isa_ref_run(mica_isa_ref_t *s);

uint32_t mica_isa_ref_csr_read(mica_isa_ref_t *s, uint32_t addr);
/* N CSRs at ADDR, ADDR + 4, ... in order, as N csr_reads (mica_backend_t.csr_read_block): 0. */
int mica_isa_ref_csr_read_block(mica_isa_ref_t *s, uint32_t addr, uint32_t *dst, int n);
/* CTRL.START runs the program to completion (mica_isa_ref_run). */
void mica_isa_ref_csr_write(mica_isa_ref_t *s, uint32_t addr, uint32_t value);

#ifdef __cplusplus
}
#endif
#endif
