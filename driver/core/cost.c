#include <string.h>
#include "mica_cost.h"
#include "mica_gemv.h"

#define G(in, F) ((uint64_t)MICA_GET(in, F))

/* Cycles from a STORE's issue to its first bus beat (rtl/mica_store_unit.sv): start (1), PARAM
 * set read (5), ACC read (1), requantization pipeline (4), row FIFO to beat packer (1). */
#define STORE_LEAD 12
/* Cycles from a LOAD's or STORE's last request to its end: the memory latency plus DMA_TAIL
 * (the response, then busy falls). */
#define DMA_TAIL 1
/* Requests a LOAD or STORE unit has in flight at most (MAX_OUTSTANDING). */
#define DMA_OUTSTANDING 16
/* Instruction queue entries, queued or in flight (mica_top FETCH_DEPTH). */
#define FETCH_DEPTH 8

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

/* Rows a vector-unit instruction writes to ACC (DWCONV: output pixels; RESCALE: element rows). */
static uint64_t vector_rows(const mica_instr_t *in) {
    if (G(in, MICA_F_OPCODE) == MICA_OP_RESCALE)
        return G(in, MICA_F_RESCALE_ROWS);
    return G(in, MICA_F_MATMUL_OUT_H) * G(in, MICA_F_MATMUL_OUT_W);
}

/* Vectors it streams, one a cycle: its rows, but a DWCONV of three taps walks every input pixel
 * of each output line's window, (out_w-1)*stride_x + 3 a line, and one of nine every such line of
 * the window's (out_h-1)*stride_y + 3 input lines (rtl/mica_vector_unit.sv). */
static uint64_t vector_cycles(const mica_hw_config_t *hw, const mica_instr_t *in) {
    if (G(in, MICA_F_OPCODE) != MICA_OP_DWCONV || mica_dwconv_taps(hw, in) == 1)
        return vector_rows(in);
    return mica_dwconv_lines(hw, in) * mica_dwconv_line(in);
}

/* The ASPAD rows a vector instruction reads: one per vector streamed, but a DWCONV of three
 * or nine taps reads only its windows' pixels inside the tile (padding is not read; the windows are
 * where the padding concentrates: two of L pixels a line, and whole lines). */
static uint64_t vector_reads(const mica_hw_config_t *hw, const mica_instr_t *in) {
    if (G(in, MICA_F_OPCODE) != MICA_OP_DWCONV || mica_dwconv_taps(hw, in) == 1)
        return vector_rows(in);
    mica_dwconv_fields_t f;
    mica_dwconv_decode(in, &f);
    int64_t lines = 0, x0 = f.off_x, x1 = x0 + (int64_t)mica_dwconv_line(in);
    int nine = mica_dwconv_tap_rows(hw, in) > 1;
    for (uint64_t j = 0; j < mica_dwconv_lines(hw, in); j++) {
        int64_t iy = nine ? (int64_t)j + f.off_y : (int64_t)j * f.stride_y + f.off_y;
        lines += iy >= 0 && iy < f.in_h;
    }
    x0 = x0 < 0 ? 0 : x0;
    x1 = x1 > f.in_w ? f.in_w : x1;
    return x1 > x0 ? (uint64_t)(lines * (x1 - x0)) : 0;
}

/* Duration of one instruction on its unit, and its traffic. For LOAD and STORE, which share the
 * one external port, *busy_beats gets their bus beats and the caller's schedule (dma_window)
 * decides the duration; a STORE returns the cycles its requantization lanes take at least. */
static uint64_t duration(const mica_hw_config_t *hw, const mica_instr_t *in, mica_cost_t *c,
                         uint64_t *busy_beats) {
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
        return 0; /* the bus decides (dma_window) */
    }
    case MICA_OP_LOADW:
        if (G(in, MICA_F_LOADW_VECTOR)) { /* one row read, as a tile's R (rtl/mica_weight_unit) */
            c->wspad_reads += 1;
            return 1 + 2; /* back to back (three taps) they follow each other 3 cycles apart */
        }
        c->wspad_reads += R;
        return R + 2;    /* R row reads behind the WSPAD read latency, then busy falls */
    case MICA_OP_DWCONV: /* the vector unit: R or C lanes, one registered stage */
    case MICA_OP_RESCALE: {
        uint64_t T = vector_rows(in), S = vector_cycles(hw, in);
        int re = G(in, MICA_F_OPCODE) == MICA_OP_RESCALE;
        c->issued_macs += S * (R < C ? R : C);
        c->aspad_reads += vector_reads(hw, in);
        c->acc_writes += T;
        if (re ? G(in, MICA_F_RESCALE_ACCUMULATE) : G(in, MICA_F_MATMUL_ACCUMULATE))
            c->acc_reads += T;
        peak(&c->acc_rows_used,
             (re ? G(in, MICA_F_RESCALE_ACC_ADDR) : G(in, MICA_F_MATMUL_ACC_ADDR)) + T);
        c->array_cycles += S;
        return S + 6;
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
        uint64_t lanes = mica_hw_req_lanes(hw);
        uint64_t passes = rows * ((C + lanes - 1) / lanes) * mica_hw_req_mul_cycles(hw);
        c->acc_reads += rows;
        if (G(in, MICA_F_STORE_TARGET) == MICA_STORE_TARGET_ASPAD) {
            /* one ASPAD row per cycle after the lead, no bus; then busy falls */
            peak(&c->aspad_rows_used, G(in, MICA_F_STORE_EXT_ADDR) + rows);
            return STORE_LEAD + (passes > rows ? passes : rows) + 1;
        }
        uint64_t beats =
            row_beats(G(in, MICA_F_STORE_EXT_ADDR), G(in, MICA_F_STORE_EXT_STRIDE), rows, len, bus);
        c->ext_write_bytes += rows * len;
        *busy_beats = beats;
        /* Fewer requantization lanes than columns: a row takes P passes (rtl/mica_store_unit.sv);
         * with P = 1 every row has at least one beat, so the beats still decide. */
        return passes; /* the requantization lanes' span; the bus decides the rest */
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

/* The one external port (rtl/mica_bus_arb.sv): one beat per cycle, instruction fetch first, then
 * STORE, then LOAD. The schedule keeps the cycles in which each DMA unit sends its requests, so
 * a beat taken by a higher priority pushes the lower one's remaining requests back. */
typedef struct {
    uint64_t free_at[5];         /* per unit: cycle it is idle again (4: none) */
    uint64_t load_beg, load_end; /* the running LOAD's request window [beg, end) */
    uint64_t store_beg, store_end, store_beats;
    uint64_t aspad_store_end; /* a STORE with target ASPAD holds the ASPAD write port until */
    int load_aspad;           /* the last LOAD issued (the one running, if any) writes ASPAD */
    uint64_t fetch_beats, fetch_free; /* beats per instruction; fetch's next free request cycle */
    uint64_t arrive[FETCH_DEPTH];     /* cycle instruction i is at the queue head (ring) */
} sched_t;

/* Cycles a DMA unit takes to send `beats` requests with at most DMA_OUTSTANDING in flight: a
 * request's slot frees lat + 1 cycles after it went out (its response, then the count). */
static uint64_t request_cycles(uint64_t beats, uint64_t lat) {
    if (lat + 1 <= DMA_OUTSTANDING || beats <= DMA_OUTSTANDING)
        return beats;
    uint64_t rounds = (beats - 1) / DMA_OUTSTANDING;
    return rounds * (lat + 1) + beats - rounds * DMA_OUTSTANDING;
}

/* Requests per cycle a DMA unit sends at most: DMA_OUTSTANDING per lat + 1 cycles, or 1. */
static double dma_rate(uint64_t lat) {
    return lat + 1 <= DMA_OUTSTANDING ? 1.0 : (double)DMA_OUTSTANDING / (double)(lat + 1);
}

static uint64_t load_requests(const sched_t *s, uint64_t lat, uint64_t beg, uint64_t beats);

/* `n` fetch beats take the port at cycle `at`: a unit whose request window holds `at` sends its
 * remaining requests n cycles later, unless its in-flight limit throttles it (long memory
 * latency): the fetch then takes cycles it leaves idle. A LOAD pushed past the first beat of a
 * STORE issued meanwhile (which ended clear of it) sends the rest beside that STORE, which goes
 * first on the port. */
static void fetch_beats_at(sched_t *s, uint64_t lat, uint64_t at, uint64_t n) {
    const unsigned L = __builtin_ctz(MICA_UNIT_LOAD), S = __builtin_ctz(MICA_UNIT_STORE);
    if (dma_rate(lat) < 1.0)
        return;
    if (s->load_beg <= at && at < s->load_end) {
        uint64_t was = s->load_end;
        s->load_end += n, s->free_at[L] += n;
        if (was <= s->store_beg && s->store_beg < s->load_end) {
            uint64_t e = load_requests(s, lat, s->store_beg, s->load_end - s->store_beg);
            if (e > s->load_end)
                s->free_at[L] += e - s->load_end, s->load_end = e;
        }
    }
    if (s->store_beg <= at && at < s->store_end)
        s->store_end += n, s->free_at[S] += n;
}

/* Requests a DMA unit sends in `cycles` cycles from idle: bursts of DMA_OUTSTANDING, one every
 * lat + 1 cycles when the latency is longer than that (request_cycles inverted). */
static uint64_t requests_in(uint64_t cycles, uint64_t lat) {
    if (lat + 1 <= DMA_OUTSTANDING)
        return cycles;
    uint64_t rest = cycles % (lat + 1);
    return cycles / (lat + 1) * DMA_OUTSTANDING + (rest < DMA_OUTSTANDING ? rest : DMA_OUTSTANDING);
}

/* Cycle a LOAD's last request leaves when it starts at `beg` with `beats` beats next to the
 * STORE window: before and after it in its own bursts; inside it, in the cycles the STORE (first
 * on the port) leaves free as its own in-flight limit throttles it, at most at the LOAD's rate. */
static uint64_t load_requests(const sched_t *s, uint64_t lat, uint64_t beg, uint64_t beats) {
    uint64_t sb = s->store_beg, se = s->store_end, t = beg, n = beats;
    if (se <= beg || sb >= beg + request_cycles(beats, lat))
        return beg + request_cycles(beats, lat); /* no STORE beats in the way */
    if (t < sb) {                                /* before the STORE's first beat */
        uint64_t sent = requests_in(sb - t, lat);
        if (n <= sent)
            return t + request_cycles(n, lat);
        n -= sent, t = sb;
    }
    double gap = 1.0 - (double)s->store_beats / (double)(se - sb), own = dma_rate(lat);
    if (gap > own)
        gap = own;
    uint64_t beside = (uint64_t)((double)(se - t) * gap); /* beside the STORE */
    if (n <= beside)
        return t + (uint64_t)((double)n / gap + 0.999);
    return se + request_cycles(n - beside, lat);
}

/* A LOAD or STORE issued at t with `beats` beats (and at least `span` cycles of requests): its
 * request window. A STORE's first beat leaves STORE_LEAD cycles after issue and after earlier
 * STOREs, and the running LOAD's remaining requests share the port with it; a LOAD starts the
 * cycle after issue beside the STORE's window. Fetch beats already queued go first. Returns the
 * unit's busy cycles: until the last response. */
static uint64_t dma_window(sched_t *s, uint64_t lat, uint64_t op, uint64_t t, uint64_t beats,
                           uint64_t span) {
    const unsigned L = __builtin_ctz(MICA_UNIT_LOAD);
    uint64_t beg = t + (op == MICA_OP_STORE ? STORE_LEAD : 1), fetch = 0;
    if (s->fetch_free > beg)
        fetch = s->fetch_free - beg; /* the queue's refill goes first */
    if (op == MICA_OP_LOAD) {
        s->load_beg = beg;
        s->load_end = load_requests(s, lat, beg + fetch, beats);
        return s->load_end + lat + DMA_TAIL - t;
    }
    if (s->store_end > beg)
        beg = s->store_end;
    uint64_t req = request_cycles(beats, lat), end = beg + (req > span ? req : span) + fetch;
    s->store_beg = beg, s->store_end = end, s->store_beats = beats;
    if (s->load_end > beg) { /* the running LOAD's remaining requests share the port with it */
        uint64_t rest = (uint64_t)((double)(s->load_end - beg) * dma_rate(lat) + 0.5);
        uint64_t e = load_requests(s, lat, beg, rest);
        if (e > s->load_end)
            s->free_at[L] += e - s->load_end, s->load_end = e;
    }
    return end + lat + DMA_TAIL - t;
}

/* Instruction i left the queue at cycle t: its entry is refilled with instruction i + FETCH_DEPTH
 * (none past the range's last), whose beats go out after the fetches before it. */
static void refill(sched_t *s, uint64_t lat, uint32_t i, uint32_t count, uint64_t t) {
    if (i + FETCH_DEPTH >= count)
        return;
    uint64_t f = s->fetch_free > t + 1 ? s->fetch_free : t + 1;
    fetch_beats_at(s, lat, f, s->fetch_beats);
    s->fetch_free = f + s->fetch_beats;
    s->arrive[(i + FETCH_DEPTH) % FETCH_DEPTH] = f + s->fetch_beats + lat - 1;
}

/* Earliest issue cycle of `in` after `t` for its wait mask, its unit and the implicit waits. */
static uint64_t ready_at(const sched_t *s, const mica_instr_t *in, uint64_t t, uint64_t mm_accept,
                         uint64_t mm_end) {
    uint64_t op = G(in, MICA_F_OPCODE), wait = G(in, MICA_F_WAIT);
    int vec = op == MICA_OP_DWCONV || op == MICA_OP_RESCALE;
    int unit = mica_opcode_unit(op);
    for (unsigned k = 0; k < 4; k++) {
        uint64_t f = s->free_at[k];
        if (op == MICA_OP_MATMUL && (int)k == unit && !((wait >> k) & 1))
            f = mm_accept;
        if (vec && (int)k == unit && !((wait >> k) & 1))
            f = mm_accept > mm_end ? mm_accept : mm_end;
        int implicit_weight = (op == MICA_OP_MATMUL || op == MICA_OP_DWCONV) &&
                              k == (unsigned)__builtin_ctz(MICA_UNIT_WEIGHT);
        /* the ASPAD write port (rtl/mica_issue.sv): a target-ASPAD STORE waits while a LOAD
         * into ASPAD runs (the LOAD unit runs one at a time: the last one issued) */
        int implicit_load = op == MICA_OP_STORE &&
                            G(in, MICA_F_STORE_TARGET) == MICA_STORE_TARGET_ASPAD &&
                            k == (unsigned)__builtin_ctz(MICA_UNIT_LOAD) && s->load_aspad;
        if ((wait >> k) & 1 || implicit_weight || implicit_load || op == MICA_OP_END ||
            (int)k == unit)
            if (f > t)
                t = f;
    }
    /* and a LOAD into ASPAD waits while a target-ASPAD STORE runs */
    if (op == MICA_OP_LOAD && G(in, MICA_F_LOAD_TARGET) == MICA_LOAD_TARGET_ASPAD &&
        s->aspad_store_end > t)
        t = s->aspad_store_end;
    return t;
}

void mica_cost_instrs(const mica_hw_config_t *hw, uint32_t mem_latency, const mica_instr_t *code,
                      uint32_t count, mica_cost_t *c) {
    memset(c, 0, sizeof *c);
    sched_t s;
    memset(&s, 0, sizeof s);
    s.fetch_beats = (MICA_INSTR_BYTES + hw->bus_bytes - 1) / hw->bus_bytes;
    /* START: the queue's first FETCH_DEPTH instructions go out back to back from cycle 1 */
    s.fetch_free = 1;
    for (uint32_t j = 0; j < FETCH_DEPTH && j < count; j++) {
        s.arrive[j] = s.fetch_free + s.fetch_beats + mem_latency - 1;
        s.fetch_free += s.fetch_beats;
    }
    uint64_t issue = 0, mm_accept = 0, mm_out[MM_INFLIGHT] = {0},
             mm_end = 0; /* mm_end: last MATMUL row written */
    unsigned mm_n = 0;
    for (uint32_t i = 0, j = 0; i < count; j++) {
        /* operation j of instruction i: the instruction, or a GEMV's LOADW or MATMUL */
        const mica_instr_t *in = &code[i];
        mica_instr_t gemv_op;
        uint32_t nops = 1;
        if (G(in, MICA_F_OPCODE) == MICA_OP_GEMV && G(in, MICA_F_GEMV_FOLDS) > 0) {
            /* ranges unchecked: the compiler costs a layer against part of ASPAD */
            mica_gemv_fields_t f;
            mica_gemv_decode(in, &f);
            nops = 2 * f.folds;
            mica_gemv_op(&f, j, hw->rows, &gemv_op);
            in = &gemv_op;
        }
        uint64_t op = G(in, MICA_F_OPCODE), arrive = s.arrive[i % FETCH_DEPTH];
        uint64_t t = ready_at(&s, in, i || j ? issue + 1 : 0, mm_accept, mm_end);
        if (arrive > t)
            t = arrive;
        if (op == MICA_OP_MATMUL && mm_out[mm_n % MM_INFLIGHT] > t)
            t = mm_out[mm_n % MM_INFLIGHT];
        issue = t;
        int unit = mica_opcode_unit(op);
        unsigned u = unit < 0 ? 4 : (unsigned)unit; /* 4: no unit (SYNC, END) */
        if (j + 1 == nops) { /* the instruction leaves the queue with its last operation */
            refill(&s, mem_latency, i, count, t); /* its beats go out before this one's requests */
            i++, j = (uint32_t)-1;
        }
        uint64_t beats = 0, d = duration(hw, in, c, &beats);
        int to_aspad = op == MICA_OP_STORE && G(in, MICA_F_STORE_TARGET) == MICA_STORE_TARGET_ASPAD;
        if (op == MICA_OP_LOAD)
            s.load_aspad = G(in, MICA_F_LOAD_TARGET) == MICA_LOAD_TARGET_ASPAD;
        if (to_aspad)
            s.aspad_store_end = t + d;
        else if (op == MICA_OP_LOAD || op == MICA_OP_STORE)
            d = dma_window(&s, mem_latency, op, t, beats, d); /* d: a STORE's requant span */
        if (op == MICA_OP_MATMUL) {
            uint64_t T = G(in, MICA_F_MATMUL_OUT_H) * G(in, MICA_F_MATMUL_OUT_W);
            mm_accept = t + T;
            mm_out[mm_n++ % MM_INFLIGHT] = t + d;
            mm_end = t + d;
        }
        if (op == MICA_OP_DWCONV || op == MICA_OP_RESCALE)
            mm_accept = t + vector_cycles(hw, in);
        if (u != 2 || t + d > s.free_at[u])
            s.free_at[u] = t + d; /* pipelined ARRAY: the last to finish */
    }
    c->cycles = issue + 1;
}
