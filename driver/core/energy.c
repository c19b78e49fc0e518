/* Energy per component from event counts (include/mica_energy.h states the rules). */
#include "mica_energy.h"

const char *const mica_energy_component_names[MICA_EN_COMPONENTS] = {
    "mac", "aspad", "wspad", "acc", "param", "ext", "static"};

/* Bits a PE writes into its neighbour's registers per MAC: the 9-bit activation moving right
 * and the 32-bit partial sum moving down (rtl/mica_pe.sv). */
#define PE_OPERAND_BITS_PER_MAC 41.0

/* Newton's square root: the core links no libm (firmware). x >= 0. */
static double square_root(double x) {
    if (x <= 0)
        return 0;
    double r = x > 1 ? x : 1;
    for (int i = 0; i < 64; i++) {
        double next = 0.5 * (r + x / r);
        if (next >= r)
            break;
        r = next;
    }
    return r;
}

void mica_energy_events_from_counters(const uint64_t *v, mica_energy_events_t *ev) {
    ev->macs = v[MICA_CNT_MACS];
    ev->cycles = v[MICA_CNT_CYCLES];
    ev->aspad_reads = v[MICA_CNT_ASPAD_READS];
    ev->aspad_writes = v[MICA_CNT_ASPAD_WRITES];
    ev->wspad_reads = v[MICA_CNT_WSPAD_READS];
    ev->wspad_writes = v[MICA_CNT_WSPAD_WRITES];
    ev->acc_reads = v[MICA_CNT_ACC_READS];
    ev->acc_writes = v[MICA_CNT_ACC_WRITES];
    ev->param_reads = v[MICA_CNT_PARAM_READS];
    ev->param_writes = v[MICA_CNT_PARAM_WRITES];
    ev->ext_read_bytes = v[MICA_CNT_DMA_RD_BYTES];
    ev->ext_write_bytes = v[MICA_CNT_DMA_WR_BYTES];
    ev->fetch_bytes = v[MICA_CNT_FETCH_BYTES];
}

void mica_energy_events_from_cost(const mica_hw_config_t *hw, const mica_cost_t *c,
                                  const mica_instr_t *code, uint32_t count,
                                  mica_energy_events_t *ev) {
    mica_energy_events_t e = {0};
    e.macs = c->issued_macs;
    e.cycles = c->cycles;
    e.aspad_reads = c->aspad_reads;
    e.wspad_reads = c->wspad_reads;
    e.acc_reads = c->acc_reads;
    e.acc_writes = c->acc_writes;
    e.ext_read_bytes = c->ext_read_bytes;
    e.ext_write_bytes = c->ext_write_bytes;
    uint64_t bus = hw->bus_bytes ? hw->bus_bytes : 1;
    e.fetch_bytes = (uint64_t)count * ((MICA_INSTR_BYTES + bus - 1) / bus) * bus;
    for (uint32_t i = 0; i < count; i++) {
        const mica_instr_t *in = &code[i];
        unsigned op = mica_instr_opcode(in);
        if (op == MICA_OP_STORE) {
            e.param_reads += MICA_PARAM_ROWS; /* the STORE unit reads its whole set first */
            if (MICA_GET(in, MICA_F_STORE_TARGET) == MICA_STORE_TARGET_ASPAD)
                e.aspad_writes += MICA_GET(in, MICA_F_STORE_ROWS); /* no bus bytes (cost.c) */
        }
        if (op != MICA_OP_LOAD)
            continue;
        uint64_t rows = MICA_GET(in, MICA_F_LOAD_ROWS);
        switch (MICA_GET(in, MICA_F_LOAD_TARGET)) {
        case MICA_LOAD_TARGET_ASPAD:
            e.aspad_writes += rows;
            break;
        case MICA_LOAD_TARGET_WSPAD:
            e.wspad_writes += rows;
            break;
        default:
            e.param_writes += rows;
        }
    }
    *ev = e;
}

double mica_energy_sram_access_pj(const mica_energy_tech_t *t, uint32_t width_bytes, uint32_t depth,
                                  int write) {
    double capacity = (double)width_bytes * depth;
    double pj =
        8.0 * width_bytes * t->sram_read_pj_per_bit * square_root(capacity / t->sram_ref_bytes);
    return write ? pj * t->sram_write_factor : pj;
}

uint64_t mica_energy_onchip_bytes(const mica_hw_config_t *hw) {
    uint64_t R = hw->rows, C = hw->cols;
    return R * hw->aspad_depth + C * hw->wspad_depth + 2 * 4 * C * hw->acc_depth +
           4 * C * MICA_PARAM_ROWS * hw->param_sets;
}

/* reads x read energy + writes x write energy of one memory. */
static double sram_pj(const mica_energy_tech_t *t, uint32_t width, uint32_t depth, uint64_t reads,
                      uint64_t writes) {
    return (double)reads * mica_energy_sram_access_pj(t, width, depth, 0) +
           (double)writes * mica_energy_sram_access_pj(t, width, depth, 1);
}

double mica_energy_compute(const mica_energy_tech_t *t, const mica_hw_config_t *hw,
                           const mica_energy_events_t *ev, double *pj) {
    uint32_t R = hw->rows, C = hw->cols;
    pj[MICA_EN_MAC] = (double)ev->macs * (t->mac_pj + PE_OPERAND_BITS_PER_MAC * t->reg_pj_per_bit);
    pj[MICA_EN_ASPAD] = sram_pj(t, R, hw->aspad_depth, ev->aspad_reads, ev->aspad_writes);
    pj[MICA_EN_WSPAD] = sram_pj(t, C, hw->wspad_depth, ev->wspad_reads, ev->wspad_writes) +
                        (double)ev->wspad_reads * 8.0 * C * t->reg_pj_per_bit;
    pj[MICA_EN_ACC] = sram_pj(t, 4 * C, hw->acc_depth, ev->acc_reads, 2 * ev->acc_writes);
    pj[MICA_EN_PARAM] =
        sram_pj(t, 4 * C, MICA_PARAM_ROWS * hw->param_sets, ev->param_reads, ev->param_writes);
    pj[MICA_EN_EXT] = 8.0 * t->ext_pj_per_bit *
                      (double)(ev->ext_read_bytes + ev->ext_write_bytes + ev->fetch_bytes);
    double kib = (double)mica_energy_onchip_bytes(hw) / 1024.0;
    pj[MICA_EN_STATIC] = (double)ev->cycles * (kib * t->static_pj_per_cycle_per_kib +
                                               (double)R * C * t->static_pj_per_cycle_per_pe);
    double total = 0;
    for (int i = 0; i < MICA_EN_COMPONENTS; i++)
        total += pj[i];
    return total;
}
