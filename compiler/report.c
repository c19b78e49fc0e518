/* Pre-deployment report: per layer and totals, as JSON (written next to the program). */
#include <stdio.h>
#include <string.h>
#include "compiler.h"
#include "json_read.h"
#include "mica_cost.h"
#include "mica_energy.h"
#include "mica_ops.h"

#define CLOCK_MHZ 200.0 /* stated clock for times in the report */

static void json_shape(FILE *f, const mica_builder_t *b, int32_t t) {
    const mica_prog_tensor_t *pt = (const mica_prog_tensor_t *)b->tensors.data + t;
    fputc('[', f);
    for (uint32_t d = 0; d < pt->rank; d++)
        fprintf(f, "%s%d", d ? ", " : "", pt->dims[d]);
    fputc(']', f);
}

/* SCALE-Sim's weight-stationary model for the same layer: folds x (2R + C + T - 2), with the
 * reduction K = kh*kw*cin on the rows, output channels on the columns, T output pixels. A
 * depthwise layer shares no input between channels, so on a WS array its best mapping is one
 * diagonal R x C tile per kernel tap and min(R, C) channels: kh*kw x channel-folds folds. */
static uint64_t scalesim_ws_cycles(const mica_builder_t *b, const mica_prog_step_t *s) {
    const mica_prog_tensor_t *out = (const mica_prog_tensor_t *)b->tensors.data + s->outputs[0];
    if (s->kind != MICA_STEP_ACCEL || out->rank == 0 || !s->macs)
        return 0;
    uint64_t cout = (uint64_t)out->dims[out->rank - 1], T = out->bytes / cout,
             K = s->macs / out->bytes;
    uint64_t R = b->hw.rows, C = b->hw.cols, folds = ((K + R - 1) / R) * ((cout + C - 1) / C);
    uint64_t lanes = R < C ? R : C;
    if (s->op == TFL_OP_DEPTHWISE_CONV_2D || s->op == TFL_OP_AVERAGE_POOL_2D ||
        s->op == TFL_OP_MAX_POOL_2D)
        folds = K * ((cout + lanes - 1) / lanes); /* pools: depthwise taps of weight 1 */
    return folds * (2 * R + C + T - 2);
}

/* The step's estimated energy per component (the energy model on the cost model's counts);
 * zeros for CPU steps. Returns the total. */
static double layer_energy(const mica_builder_t *b, const mica_energy_tech_t *tech, uint32_t i,
                           double *pj) {
    const mica_prog_step_t *s = (const mica_prog_step_t *)b->steps.data + i;
    const mica_cost_t *c = (const mica_cost_t *)b->costs.data + i;
    mica_energy_events_t ev = {0};
    if (s->kind == MICA_STEP_ACCEL)
        mica_energy_events_from_cost(&b->hw, c, (const mica_instr_t *)b->code.data + s->instr_first,
                                     s->instr_count, &ev);
    return mica_energy_compute(tech, &b->hw, &ev, pj);
}

/* "energy_pj": {"mac": .., ...}, "energy_pj_total": .. */
static void energy_json(FILE *f, const double *pj, double total) {
    fprintf(f, ", \"energy_pj\": {");
    for (int k = 0; k < MICA_EN_COMPONENTS; k++)
        fprintf(f, "%s\"%s\": %.1f", k ? ", " : "", mica_energy_component_names[k], pj[k]);
    fprintf(f, "}, \"energy_pj_total\": %.1f", total);
}

static void layer_json(FILE *f, const mica_builder_t *b, const mica_energy_tech_t *tech,
                       uint32_t i) {
    const mica_prog_step_t *s = (const mica_prog_step_t *)b->steps.data + i;
    const mica_cost_t *c = (const mica_cost_t *)b->costs.data + i;
    const char *why = (const char *)b->reasons.data + (size_t)i * MICA_REASON_LEN;
    double peak = (double)b->hw.rows * b->hw.cols,
           util = c->cycles ? (double)s->macs / ((double)c->cycles * peak) : 0;
    fprintf(f, "    {\"name\": ");
    jr_write_string(f, s->name);
    fprintf(f, ", \"op\": ");
    jr_write_string(f, mica_step_op_name(s));
    fprintf(f,
            ", \"placement\": \"%s\", \"reason\": ", s->kind == MICA_STEP_ACCEL ? "ACCEL" : "CPU");
    jr_write_string(f, why);
    fprintf(f, ", \"input_shape\": ");
    json_shape(f, b, s->inputs[0]);
    fprintf(f, ", \"output_shape\": ");
    json_shape(f, b, s->outputs[0]);
    fprintf(f,
            ", \"macs\": %llu, \"est_cycles\": %llu, \"utilization\": %.4f, "
            "\"aspad_bytes\": %llu, \"wspad_bytes\": %llu, \"acc_bytes\": %llu, "
            "\"ext_read_bytes\": %llu, \"ext_write_bytes\": %llu, \"scalesim_ws_cycles\": %llu",
            (unsigned long long)s->macs, (unsigned long long)c->cycles, util,
            (unsigned long long)c->aspad_rows_used * b->hw.rows,
            (unsigned long long)c->wspad_rows_used * b->hw.cols,
            (unsigned long long)c->acc_rows_used * 4ull * b->hw.cols,
            (unsigned long long)c->ext_read_bytes, (unsigned long long)c->ext_write_bytes,
            (unsigned long long)scalesim_ws_cycles(b, s));
    double pj[MICA_EN_COMPONENTS], total = layer_energy(b, tech, i, pj);
    energy_json(f, pj, total);
    fputc('}', f);
}

int mica_write_report(const mica_builder_t *b, const mica_energy_tech_t *tech, const char *model,
                      const char *path) {
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    uint32_t n = (uint32_t)(b->steps.len / sizeof(mica_prog_step_t)), accel = 0;
    uint64_t macs = 0, cycles = 0, bytes = 0;
    double energy[MICA_EN_COMPONENTS] = {0}, energy_total = 0;
    fprintf(f, "{\n  \"model\": ");
    jr_write_string(f, model);
    fprintf(f, ",\n  \"array\": \"%ux%u\",\n  \"bus_bytes\": %u,\n  \"layers\": [\n", b->hw.rows,
            b->hw.cols, (unsigned)b->hw.bus_bytes);
    for (uint32_t i = 0; i < n; i++) {
        const mica_prog_step_t *s = (const mica_prog_step_t *)b->steps.data + i;
        const mica_cost_t *c = (const mica_cost_t *)b->costs.data + i;
        layer_json(f, b, tech, i);
        fprintf(f, "%s\n", i + 1 < n ? "," : "");
        if (s->kind == MICA_STEP_ACCEL) {
            accel++;
            macs += s->macs;
            cycles += c->cycles;
            bytes += c->ext_read_bytes + c->ext_write_bytes;
            double pj[MICA_EN_COMPONENTS];
            energy_total += layer_energy(b, tech, i, pj);
            for (int k = 0; k < MICA_EN_COMPONENTS; k++)
                energy[k] += pj[k];
        }
    }
    double ideal_compute = (double)macs / ((double)b->hw.rows * b->hw.cols),
           ideal_mem = (double)bytes / b->hw.bus_bytes;
    fprintf(f,
            "  ],\n  \"totals\": {\"accel_ops\": %u, \"cpu_ops\": %u, \"accel_macs\": %llu, "
            "\"est_cycles\": %llu, \"clock_mhz\": %.0f, \"est_time_us\": %.2f, "
            "\"peak_arena_bytes\": %u, "
            "\"weight_bytes\": %zu, \"ext_bytes\": %llu, \"roofline_ideal_cycles\": %.0f, "
            "\"tech\": ",
            accel, n - accel, (unsigned long long)macs, (unsigned long long)cycles, CLOCK_MHZ,
            (double)cycles / CLOCK_MHZ, b->arena_size, b->consts.len, (unsigned long long)bytes,
            ideal_compute > ideal_mem ? ideal_compute : ideal_mem);
    jr_write_string(f, tech->name);
    energy_json(f, energy, energy_total);
    fprintf(f, "}\n}\n");
    return fclose(f) == 0 ? 0 : -1;
}
