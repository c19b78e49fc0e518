#include <string.h>
#include "mica_cost.h"

#define G(in, F) ((uint64_t)MICA_GET(in, F))

static uint64_t row_beats(uint64_t addr, uint64_t stride, uint64_t rows, uint64_t len,
                          uint64_t bus) {
    uint64_t beats = 0;
    for (uint64_t i = 0; i < rows; i++) {
        uint64_t a = addr + i * stride;
        beats += ((a % bus) + len + bus - 1) / bus;
    }
    return beats;
}

static void peak(uint32_t *used, uint64_t end) {
    if (end > *used)
        *used = (uint32_t)end;
}

/* Rows a vector-unit instruction streams (DWCONV: output pixels; RESCALE: element rows). */
static uint64_t vector_rows(const mica_instr_t *in) {
    if (G(in, MICA_F_OPCODE) == MICA_OP_RESCALE)
        return G(in, MICA_F_RESCALE_ROWS);
    return G(in, MICA_F_MATMUL_OUT_H) * G(in, MICA_F_MATMUL_OUT_W);
}

/* Duration of one instruction on its unit, and its traffic. *beats gets its bus beats: LOAD and
 * STORE share the one external port, so the caller serializes their beats. */
static uint64_t duration(const mica_hw_config_t *hw, uint64_t lat, const mica_instr_t *in,
                         mica_cost_t *c, uint64_t *busy_beats) {
    uint64_t R = hw->rows, C = hw->cols, bus = hw->bus_bytes;
    switch (G(in, MICA_F_OPCODE)) {
    case MICA_OP_LOAD: {
        uint64_t rows = G(in, MICA_F_LOAD_ROWS), t = G(in, MICA_F_LOAD_TARGET);
        uint64_t beats = row_beats(G(in, MICA_F_LOAD_EXT_ADDR), G(in, MICA_F_LOAD_EXT_STRIDE), rows,
                                   G(in, MICA_F_LOAD_LEN), bus);
        c->ext_read_bytes += beats * bus;
        *busy_beats = beats;
        if (t == MICA_LOAD_TARGET_ASPAD)
            peak(&c->aspad_rows_used, G(in, MICA_F_LOAD_MEM_ADDR) + rows);
        if (t == MICA_LOAD_TARGET_WSPAD)
            peak(&c->wspad_rows_used, G(in, MICA_F_LOAD_MEM_ADDR) + rows);
        return beats + lat + 3;
    }
    case MICA_OP_LOADW:
        if (G(in, MICA_F_LOADW_VECTOR)) {
            c->wspad_reads += 1;
            return 2;
        }
        c->wspad_reads += R;
        return R + 1;
    case MICA_OP_DWCONV: /* the vector unit: R or C lanes, one registered stage */
    case MICA_OP_RESCALE: {
        uint64_t T = vector_rows(in);
        int re = G(in, MICA_F_OPCODE) == MICA_OP_RESCALE;
        c->issued_macs += T * (R < C ? R : C);
        c->aspad_reads += T;
        c->acc_writes += T;
        if (re ? G(in, MICA_F_RESCALE_ACCUMULATE) : G(in, MICA_F_MATMUL_ACCUMULATE))
            c->acc_reads += T;
        peak(&c->acc_rows_used,
             (re ? G(in, MICA_F_RESCALE_ACC_ADDR) : G(in, MICA_F_MATMUL_ACC_ADDR)) + T);
        c->array_cycles += T;
        return T + 6;
    }
    case MICA_OP_MATMUL: {
        uint64_t T = G(in, MICA_F_MATMUL_OUT_H) * G(in, MICA_F_MATMUL_OUT_W);
        c->issued_macs += T * R * C;
        c->aspad_reads += T;
        c->acc_writes += T;
        if (G(in, MICA_F_MATMUL_ACCUMULATE))
            c->acc_reads += T;
        peak(&c->acc_rows_used, G(in, MICA_F_MATMUL_ACC_ADDR) + T);
        c->array_cycles += T; /* streaming cycles; the drain overlaps the next MATMUL */
        return T + R + C + 3; /* until its last ACC row is written (ARRAY idle for waits) */
    }
    case MICA_OP_STORE: {
        uint64_t rows = G(in, MICA_F_STORE_ROWS), len = G(in, MICA_F_STORE_LEN);
        uint64_t beats =
            row_beats(G(in, MICA_F_STORE_EXT_ADDR), G(in, MICA_F_STORE_EXT_STRIDE), rows, len, bus);
        c->ext_write_bytes += rows * len;
        c->acc_reads += rows;
        *busy_beats = beats;
        /* Fewer requantization lanes than columns: a row takes P passes (rtl/mica_store_unit.sv);
         * with P = 1 every row has at least one beat, so the beats still decide. */
        uint64_t lanes = mica_hw_req_lanes(hw);
        uint64_t passes = rows * ((C + lanes - 1) / lanes) * mica_hw_req_mul_cycles(hw);
        return 5 + 4 + (passes > beats ? passes : beats) + lat +
               2; /* PARAM reads, ACC read + requant pipeline, rows, responses */
    }
    default:
        return 0;
    }
}

int mica_opcode_unit(uint64_t opcode) {
    switch (opcode) {
    case MICA_OP_LOAD:
        return __builtin_ctz(MICA_UNIT_LOAD);
    case MICA_OP_LOADW:
        return __builtin_ctz(MICA_UNIT_WEIGHT);
    case MICA_OP_MATMUL:
    case MICA_OP_DWCONV:
    case MICA_OP_RESCALE:
        return __builtin_ctz(MICA_UNIT_ARRAY);
    case MICA_OP_STORE:
        return __builtin_ctz(MICA_UNIT_STORE);
    default:
        return -1; /* SYNC, END */
    }
}

/* MATMULs are pipelined in the ARRAY unit (rtl/mica_matmul_unit.sv): the next one issues as soon
 * as this one has generated its last pixel (T cycles after issue) and at most MM_INFLIGHT are
 * between issue and their last array output; the drain (R + C + 3) only delays instructions that
 * wait for ARRAY idle. LOADW needs no extra wait (shadow writes are skewed like the swap wave). */
#define MM_INFLIGHT 8

/* The one external port, by priority: instruction fetch, then STORE, then LOAD
 * (rtl/mica_bus_arb.sv), one beat per cycle. */
typedef struct {
    uint64_t store_end, fetch_beats;
} bus_t;

/* Delays the DMA units for the beats others take from them: a STORE waits for earlier STORE
 * beats and pushes a running LOAD back by all its beats; a LOAD starts after the STORE
 * beats in flight; every instruction's fetch pushes back the LOAD or STORE transferring. */
static void bus_share(bus_t *bus, uint64_t op, uint64_t t, uint64_t beats, uint64_t *d,
                      uint64_t *free_at) {
    const unsigned L = __builtin_ctz(MICA_UNIT_LOAD), S = __builtin_ctz(MICA_UNIT_STORE);
    if (free_at[L] > t)
        free_at[L] += bus->fetch_beats;
    else if (free_at[S] > t)
        free_at[S] += bus->fetch_beats, bus->store_end += bus->fetch_beats;
    if (op == MICA_OP_STORE) {
        uint64_t start = t > bus->store_end ? t : bus->store_end;
        bus->store_end = start + beats;
        *d += start - t;
        if (free_at[L] > start)
            free_at[L] += beats;
    } else if (op == MICA_OP_LOAD && bus->store_end > t) {
        *d += bus->store_end - t;
    }
}
void mica_cost_instrs(const mica_hw_config_t *hw, uint32_t mem_latency, const mica_instr_t *code,
                      uint32_t count, mica_cost_t *c) {
    memset(c, 0, sizeof *c);
    uint64_t free_at[5] = {0}, issue = (uint64_t)mem_latency + 4; /* first fetch */
    bus_t bus = {0, (MICA_INSTR_BYTES + hw->bus_bytes - 1) / hw->bus_bytes};
    uint64_t mm_accept = 0, mm_out[MM_INFLIGHT] = {0},
             mm_end = 0; /* mm_end: last MATMUL row written */
    unsigned mm_n = 0;
    for (uint32_t i = 0; i < count; i++) {
        const mica_instr_t *in = &code[i];
        uint64_t op = G(in, MICA_F_OPCODE), wait = G(in, MICA_F_WAIT),
                 t = issue + bus.fetch_beats; /* fetch: beats per instruction */
        int vec = op == MICA_OP_DWCONV || op == MICA_OP_RESCALE;
        int unit = mica_opcode_unit(op);
        unsigned u = unit < 0 ? 4 : (unsigned)unit; /* 4: no unit (SYNC, END) */
        for (unsigned k = 0; k < 4; k++) {
            uint64_t f = free_at[k];
            if (op == MICA_OP_MATMUL && k == u && !((wait >> k) & 1))
                f = mm_accept;
            if (vec && k == u && !((wait >> k) & 1))
                f = mm_accept > mm_end ? mm_accept : mm_end;
            int implicit_weight = (op == MICA_OP_MATMUL || op == MICA_OP_DWCONV) &&
                                  k == (unsigned)__builtin_ctz(MICA_UNIT_WEIGHT);
            if ((wait >> k) & 1 || implicit_weight || op == MICA_OP_END || k == u)
                if (f > t)
                    t = f;
        }
        if (op == MICA_OP_MATMUL && mm_out[mm_n % MM_INFLIGHT] > t)
            t = mm_out[mm_n % MM_INFLIGHT];
        issue = t;
        uint64_t beats = 0, d = duration(hw, mem_latency, in, c, &beats);
        bus_share(&bus, op, t, beats, &d, free_at);
        if (op == MICA_OP_MATMUL) {
            uint64_t T = G(in, MICA_F_MATMUL_OUT_H) * G(in, MICA_F_MATMUL_OUT_W);
            mm_accept = t + T;
            mm_out[mm_n++ % MM_INFLIGHT] = t + d;
            mm_end = t + d;
        }
        if (vec)
            mm_accept = t + vector_rows(in);
        if (u != 2 || t + d > free_at[u])
            free_at[u] = t + d; /* pipelined ARRAY: the last to finish */
    }
    c->cycles = issue + 2;
}

double mica_cost_energy_pj(const mica_hw_config_t *hw, const mica_cost_t *c) {
    /* int8 MAC 0.315 pJ (Accelergy, 45 nm); 64-bit SRAM read 20 pJ for a 32-64 KB array (Horowitz);
     * DRAM 8 pJ/bit (LPDDR4). Scratchpad rows are R or C bytes, ACC rows 4C bytes. */
    double sram_word = 20.0 / 8.0; /* pJ per byte */
    double sram =
        sram_word * ((double)c->aspad_reads * hw->rows + (double)c->wspad_reads * hw->cols +
                     (double)(c->acc_reads + c->acc_writes) * 4.0 * hw->cols);
    return 0.315 * (double)c->issued_macs + sram +
           64.0 * (double)(c->ext_read_bytes + c->ext_write_bytes);
}
