/* The schedule state of a convolution-shaped layer, shared by the schedule (lower_gemm.c: which
 * loads, MATMULs and STOREs come in which order) and the emission (gemm_emit.c: the instructions
 * and their tickets). */
#ifndef MICA_GEMM_SCHED_H
#define MICA_GEMM_SCHED_H
#include <stdint.h>
#include "gemm_plan.h"
#include "waits.h"

#define MICA_GEMM_TAIL_MAX 16 /* chunks of a split last weight load: 1, 1, 2, 4, .. tiles */

/* A queued LOAD: it fills slots [slot, slot + nslots) with its ticket when emitted. */
typedef struct {
    mica_instr_t in;
    mica_ticket_t dep, *slot;
    int nslots;
    int64_t cycles;
} pending_load_t;

/* Schedule state: for every buffer, the last instruction writing it and the last reading it, so
 * each instruction can name what it must wait for (waits.h). Fold g counts output folds over all
 * bands; fold g uses ACC half g % acc_bufs. */
typedef struct {
    mica_builder_t *b;
    const mica_gemm_layer_t *L;
    const mica_gemm_plan_t *P;
    mica_waits_t w;
    mica_ticket_t *in_load,
        in_read[2]; /* ASPAD buffers: per input fold [buf * cf + f]; last reader */
    mica_ticket_t acc_write[2], acc_read[2]; /* ACC halves */
    mica_ticket_t p_load[2], p_read[2];      /* PARAM buffers */
    mica_ticket_t *w_load, *w_read;          /* WSPAD buffers (one per fold when resident) */
    /* P->split_tail: the last fold's weights as ntail LOADs into buffer tail_wb, chunk k its rows
     * [tail_row[k], tail_row[k + 1]) (buffer-relative), each LOADW waiting for its own chunk. */
    mica_ticket_t tail_load[MICA_GEMM_TAIL_MAX];
    uint32_t tail_row[MICA_GEMM_TAIL_MAX + 1];
    int ntail, tail_wb;
    /* P->split_head: the first fold group's weights as two LOADs into buffer head_wb, its first
     * tile (rows [0, head_rows)) and the rest; nhead 0 once another load reuses the buffer. */
    mica_ticket_t head_load[2];
    uint32_t head_rows;
    int nhead, head_wb;
    int in_ready, p_ready; /* next band's input / next fold's params loaded */
    int p_sets;            /* resident PARAM sets whose LOAD is queued (P->param_chunk) */
    int w_next;            /* first fold of the group whose weights a prefetch loaded (-1: none) */
    pending_load_t *pending; /* queued LOADs (gemm_emit.c) */
    uint32_t npending, cap;
    int64_t load_busy; /* estimated cycles the last released LOAD still runs */

    uint32_t w_addr, p_addr; /* constants: weight tiles, parameter sets */
    uint32_t t_addr;         /* packed kernel rows: the first pass's rows (gemm_rowpack.c) */
    mica_ticket_t pre_store; /* its STORE, which the first input LOAD waits for */
    int store_pending, store_band, store_n, store_g; /* P->late_store: the fold STORE not yet out */
    int store_y0, store_rows; /* and its rows within the band (rows 0: all) */
    int part_y0, part_rows; /* P->tail_parts: the output rows of the band being emitted (0: all) */
} mica_sched_t;

/* The output rows of band `band` now emitted: the part's (P->tail_parts) or the band's. */
static inline int mica_gemm_emitted_rows(const mica_sched_t *S, int band) {
    return S->part_rows ? S->part_rows : mica_gemm_band_rows(S->L, S->P, band);
}

/* Weight tiles and PARAM sets into the constant image (S->w_addr, S->p_addr). */
int mica_gemm_constants(mica_sched_t *S);
/* Loads are queued (a LOAD waiting for the busy LOAD unit would hold up every later instruction):
 * flush_for emits the queue up to the last load writing *slot (NULL: all); drip releases the next
 * one when the MATMULs since the last (T pixels) should have covered it. */
int mica_gemm_flush_for(mica_sched_t *S, const mica_ticket_t *slot);
int mica_gemm_drip(mica_sched_t *S, uint32_t T);
/* The weight tiles of the fold group starting at fold g into WSPAD buffer mica_gemm_wbuf(P, g);
 * fold g's PARAM set(s). */
int mica_gemm_load_weights(mica_sched_t *S, int g);
int mica_gemm_load_params(mica_sched_t *S, int g);
int mica_gemm_param_slot(const mica_gemm_plan_t *P, int set, int g);
/* A LOAD of rows x len bytes into target row mem_addr (byte col on, fill around), queued. */
int mica_gemm_queue_load(mica_sched_t *S, int target, uint32_t mem_addr, uint32_t rows,
                         uint32_t len, uint32_t col, uint32_t ext, uint32_t stride, int fill,
                         mica_ticket_t dep, mica_ticket_t *slot, int nslots);
/* Packed kernel rows: the first pass, which lays the packed rows out at S->t_addr. */
int mica_gemm_rowpack_pass(mica_sched_t *S);
/* Input folds [f0, f1) of band `band` into ASPAD buffer band % aspad_bufs. */
int mica_gemm_load_input(mica_sched_t *S, int band, int f0, int f1);
/* LOADW of WSPAD row `row` of buffer wb (a tile, or a depthwise layer's vector), after its load. */
int mica_gemm_loadw(mica_sched_t *S, int wb, uint32_t row);
/* MATMUL (or DWCONV) of tap t over input fold f_in into ACC row acc_addr; its ticket (seq 0 on error). */
mica_ticket_t mica_gemm_matmul(mica_sched_t *S, int band, int f_in, int t, uint32_t acc_addr,
                               int first, const mica_ticket_t *deps, int ndeps);
/* The STORE(s) of output fold n of band (global fold g): of its output rows [y0, y0 + rows)
 * within the band (rows 0: all). */
int mica_gemm_store(mica_sched_t *S, int band, int n, int g, int y0, int rows);

#endif
