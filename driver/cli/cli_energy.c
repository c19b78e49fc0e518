/* mica energy PROG.mica: one inference; per accelerator layer, the energy model on the compiler's
 * counts (estimate) and on the device's own counters (measured), side by side; JSON and an SVG
 * stacked-bar chart. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "energy_tech.h"
#include "json_read.h"
#include "mica_cost.h"
#include "mica_energy.h"
#include "mica_ops.h"
#include "mica_program.h"

typedef struct {
    const mica_prog_step_t *step;
    double est[MICA_EN_COMPONENTS], meas[MICA_EN_COMPONENTS], est_total, meas_total;
    mica_energy_events_t est_ev, meas_ev;
} layer_energy_t;

typedef struct {
    const char *prog, *backend, *tech_path, *json, *svg;
    long long seed;
} energy_args_t;

static mica_hw_config_t program_hw(const mica_prog_header_t *h) {
    mica_hw_config_t hw = {h->rows,      h->cols,          h->aspad_depth, h->wspad_depth,
                           h->acc_depth, h->param_sets,    h->bus_bytes,   h->req_lanes,
                           h->absent,    h->req_mul_cycles};
    return hw;
}

/* The program file parsed (for its code and configuration); NULL after a printed message. */
static int read_program(const char *path, mica_program_t *p) {
    char err[300], shown[300];
    mica_escape_name(path, shown, sizeof shown);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s energy: %s: %s\n", cli_prog, shown, strerror(errno));
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = n > 0 ? malloc((size_t)n) : NULL;
    int ok = buf && fread(buf, 1, (size_t)n, f) == (size_t)n;
    fclose(f);
    if (!ok || mica_program_parse(buf, (size_t)n, p, err, sizeof err)) {
        fprintf(stderr, "%s energy: %s: %s\n", cli_prog, shown, ok ? err : "cannot read");
        free(buf);
        return -1;
    }
    free(buf);
    return 0;
}

/* The compiler's estimate for step s: the cost model on the step's instructions. */
static void estimate(const mica_program_t *p, const mica_hw_config_t *hw, const mica_prog_step_t *s,
                     mica_energy_events_t *ev) {
    mica_instr_t *code = malloc((size_t)s->instr_count * sizeof *code);
    mica_cost_t c;
    memset(ev, 0, sizeof *ev);
    if (!code)
        return;
    size_t off =
        (size_t)(p->hdr.code_addr - p->hdr.image_addr) + (size_t)s->instr_first * MICA_INSTR_BYTES;
    memcpy(code, p->image + off, (size_t)s->instr_count * sizeof *code);
    mica_cost_instrs(hw, MICA_MEM_LATENCY_DEFAULT, code, s->instr_count, &c);
    mica_energy_events_from_cost(hw, &c, code, s->instr_count, ev);
    free(code);
}

static double pct(double est, double meas) {
    return meas > 0 ? 100.0 * (est - meas) / meas : 0;
}

/* The component whose estimate differs most from the measurement, with the counts behind it. */
static void largest_difference(const layer_energy_t *l, char *out, size_t n) {
    int worst = 0;
    double d = 0, d_abs = -1;
    for (int k = 0; k < MICA_EN_COMPONENTS; k++) {
        double e = l->est[k] - l->meas[k];
        if ((e < 0 ? -e : e) > d_abs)
            worst = k, d_abs = e < 0 ? -e : e, d = e;
    }
    const mica_energy_events_t *a = &l->est_ev, *b = &l->meas_ev;
    switch (worst) {
    case MICA_EN_ASPAD:
        snprintf(out, n, "aspad reads %llu est, %llu counted (padding rows read no ASPAD)",
                 (unsigned long long)a->aspad_reads, (unsigned long long)b->aspad_reads);
        break;
    case MICA_EN_STATIC:
        snprintf(out, n, "static: cycles %llu est, %llu counted", (unsigned long long)a->cycles,
                 (unsigned long long)b->cycles);
        break;
    case MICA_EN_EXT:
        snprintf(out, n, "ext bytes %llu est, %llu counted (fetch %llu / %llu)",
                 (unsigned long long)(a->ext_read_bytes + a->ext_write_bytes + a->fetch_bytes),
                 (unsigned long long)(b->ext_read_bytes + b->ext_write_bytes + b->fetch_bytes),
                 (unsigned long long)a->fetch_bytes, (unsigned long long)b->fetch_bytes);
        break;
    default:
        snprintf(out, n, "%s %+.1f pJ", mica_energy_component_names[worst], d);
    }
}

static void print_table(const layer_energy_t *L, int n, const char *tech, const char *backend) {
    printf("energy per accelerator layer, nJ (measured from the %s backend's counters; tech %s)\n",
           backend, tech);
    printf("%-22s %-17s", "layer", "op");
    for (int k = 0; k < MICA_EN_COMPONENTS; k++)
        printf(" %8s", mica_energy_component_names[k]);
    printf(" %9s %9s %7s  %s\n", "estimate", "measured", "diff%", "largest difference");
    for (int i = 0; i < n; i++) {
        const layer_energy_t *l = &L[i];
        char name[40], why[160];
        mica_escape_name(l->step->name, name, sizeof name);
        printf("%-22.22s %-17.17s", name, mica_step_op_name(l->step));
        for (int k = 0; k < MICA_EN_COMPONENTS; k++)
            printf(" %8.2f", l->meas[k] / 1e3);
        largest_difference(l, why, sizeof why);
        printf(" %9.2f %9.2f %+6.2f%%  %s\n", l->est_total / 1e3, l->meas_total / 1e3,
               pct(l->est_total, l->meas_total), why);
    }
}

/* Sums the layers: comp[k] (measured), and the totals. */
static void sum_layers(const layer_energy_t *L, int n, double *comp, double *est, double *meas,
                       uint64_t *macs) {
    memset(comp, 0, MICA_EN_COMPONENTS * sizeof *comp);
    *est = *meas = 0;
    *macs = 0;
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < MICA_EN_COMPONENTS; k++)
            comp[k] += L[i].meas[k];
        *est += L[i].est_total;
        *meas += L[i].meas_total;
        *macs += L[i].step->macs;
    }
}

static void json_components(FILE *f, const double *pj, double total) {
    fprintf(f, "{");
    for (int k = 0; k < MICA_EN_COMPONENTS; k++)
        fprintf(f, "\"%s\": %.1f, ", mica_energy_component_names[k], pj[k]);
    fprintf(f, "\"total\": %.1f}", total);
}

static int write_json(FILE *f, const layer_energy_t *L, int n, const energy_args_t *a,
                      const mica_energy_tech_t *t) {
    double comp[MICA_EN_COMPONENTS], est, meas;
    uint64_t macs;
    sum_layers(L, n, comp, &est, &meas, &macs);
    fprintf(f, "{\n  \"program\": ");
    jr_write_string(f, a->prog);
    fprintf(f, ",\n  \"backend\": ");
    jr_write_string(f, a->backend);
    fprintf(f, ",\n  \"tech\": ");
    jr_write_string(f, t->name);
    fprintf(f, ",\n  \"layers\": [\n");
    for (int i = 0; i < n; i++) {
        fprintf(f, "    {\"name\": ");
        jr_write_string(f, L[i].step->name);
        fprintf(f,
                ", \"op\": \"%s\", \"macs\": %llu, \"estimate_pj\": ", mica_step_op_name(L[i].step),
                (unsigned long long)L[i].step->macs);
        json_components(f, L[i].est, L[i].est_total);
        fprintf(f, ", \"measured_pj\": ");
        json_components(f, L[i].meas, L[i].meas_total);
        fprintf(f, ", \"diff_pct\": %.3f}%s\n", pct(L[i].est_total, L[i].meas_total),
                i + 1 < n ? "," : "");
    }
    fprintf(f, "  ],\n  \"measured_pj\": ");
    json_components(f, comp, meas);
    fprintf(f,
            ",\n  \"estimate_pj_total\": %.1f, \"macs\": %llu, \"pj_per_mac\": %.4f, "
            "\"uj_per_inference\": %.4f\n}\n",
            est, (unsigned long long)macs, macs ? meas / (double)macs : 0, meas / 1e6);
    return ferror(f) ? -1 : 0;
}

/* A hand-made stacked-bar chart: one bar per layer, measured energy by component. */
static int write_svg(FILE *f, const layer_energy_t *L, int n, const char *title) {
    static const char *const colors[MICA_EN_COMPONENTS] = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1"};
    const double left = 70, top = 40, plot_h = 300, bar_w = 22, gap = 10;
    double width = left + n * (bar_w + gap) + 160, height = top + plot_h + 150, max = 0;
    for (int i = 0; i < n; i++)
        max = L[i].meas_total > max ? L[i].meas_total : max;
    max = max > 0 ? max / 1e3 : 1; /* nJ */
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "font-family=\"sans-serif\" font-size=\"11\">\n",
            width, height);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<text x=\"%.0f\" y=\"20\" font-size=\"14\">", left);
    for (const char *c = title; *c; c++)
        fprintf(f, *c == '<' ? "&lt;" : *c == '&' ? "&amp;" : "%c", *c);
    fprintf(f, "</text>\n");
    for (int g = 0; g <= 4; g++) { /* axis ticks at quarters of the tallest bar */
        double y = top + plot_h - plot_h * g / 4.0;
        fprintf(f,
                "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
                left, y, left + n * (bar_w + gap), y, left - 4, y + 4, max * g / 4.0);
    }
    fprintf(f, "<text x=\"14\" y=\"%.0f\" transform=\"rotate(-90 14 %.0f)\">nJ</text>\n",
            top + plot_h / 2, top + plot_h / 2);
    for (int i = 0; i < n; i++) {
        double x = left + gap / 2 + i * (bar_w + gap), y = top + plot_h;
        for (int k = 0; k < MICA_EN_COMPONENTS; k++) {
            double h = plot_h * (L[i].meas[k] / 1e3) / max;
            y -= h;
            fprintf(f, "<rect x=\"%.1f\" y=\"%.2f\" width=\"%.0f\" height=\"%.2f\" fill=\"%s\"/>\n",
                    x, y, bar_w, h, colors[k]);
        }
        fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" transform=\"rotate(60 %.1f %.0f)\">%d %s</text>\n",
                x + 4, top + plot_h + 12, x + 4, top + plot_h + 12, i,
                mica_step_op_name(L[i].step));
    }
    for (int k = 0; k < MICA_EN_COMPONENTS; k++) {
        double x = left + n * (bar_w + gap) + 20, y = top + 16.0 * k;
        fprintf(f,
                "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
                x, y, colors[k], x + 16, y + 10, mica_energy_component_names[k]);
    }
    fprintf(f, "</svg>\n");
    return ferror(f) ? -1 : 0;
}

/* Writes PATH through a temporary name (nothing left behind on failure). */
static int write_file(const char *path, const char *what, const layer_energy_t *L, int n,
                      const energy_args_t *a, const mica_energy_tech_t *t) {
    char *tmp = cli_concat(path, ".tmp", ""), shown[300], title[200];
    FILE *f = tmp ? fopen(tmp, "w") : NULL;
    mica_escape_name(path, shown, sizeof shown);
    if (!f) {
        fprintf(stderr, "%s energy: %s %s: %s\n", cli_prog, what, shown, strerror(errno));
        free(tmp);
        return -1;
    }
    snprintf(title, sizeof title, "measured energy per layer (%s, %s backend)", t->name,
             a->backend);
    int rc = !strcmp(what, "--json") ? write_json(f, L, n, a, t) : write_svg(f, L, n, title);
    rc |= fclose(f);
    if (rc || rename(tmp, path)) {
        fprintf(stderr, "%s energy: %s %s: cannot write\n", cli_prog, what, shown);
        unlink(tmp);
        rc = -1;
    }
    free(tmp);
    return rc ? -1 : 0;
}

/* The counters the energy model reads must be built on the device (a small board's bitstream
 * may count CYCLES only): 0, or -1 after one line naming the first one missing. */
static int counters_built(mica_ctx_t *ctx) {
    static const int needed[] = {
        MICA_CNT_CYCLES,      MICA_CNT_MACS,         MICA_CNT_ASPAD_READS,  MICA_CNT_ASPAD_WRITES,
        MICA_CNT_WSPAD_READS, MICA_CNT_WSPAD_WRITES, MICA_CNT_ACC_READS,    MICA_CNT_ACC_WRITES,
        MICA_CNT_PARAM_READS, MICA_CNT_PARAM_WRITES, MICA_CNT_DMA_RD_BYTES, MICA_CNT_DMA_WR_BYTES,
        MICA_CNT_FETCH_BYTES, MICA_CNT_INSTRS};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (!mica_counter_counted(ctx, needed[i])) {
            fprintf(stderr,
                    "%s energy: backend %s does not count %s, which the energy model needs\n",
                    cli_prog, mica_backend_name(ctx), mica_counter_name(needed[i]));
            return -1;
        }
    return 0;
}

/* One inference on random inputs; per accelerator layer, estimate and measurement. */
static int measure(mica_ctx_t *ctx, const mica_program_t *p, const mica_energy_tech_t *t,
                   long long seed, layer_energy_t *L, int *nl) {
    uint64_t state = (uint64_t)seed | 1;
    if (counters_built(ctx))
        return -1;
    for (int i = 0; i < mica_num_inputs(ctx); i++) {
        mica_tensor_info_t ti;
        mica_input_info(ctx, i, &ti);
        void *buf = malloc(ti.bytes ? ti.bytes : 1);
        int bad = !buf;
        if (buf) {
            cli_fill_input(&ti, buf, ti.bytes, &state);
            bad = mica_set_input(ctx, i, buf, ti.bytes) != MICA_OK;
        }
        free(buf);
        if (bad)
            return cli_report_ctx("energy", ctx), -1;
    }
    if (mica_invoke(ctx) != MICA_OK)
        return cli_report_ctx("energy", ctx), -1;
    mica_hw_config_t hw = program_hw(&p->hdr);
    uint64_t cnt[MICA_NUM_COUNTERS];
    *nl = 0;
    for (uint32_t s = 0; s < p->hdr.nsteps; s++) {
        const mica_prog_step_t *st = &p->steps[s];
        if (st->kind != MICA_STEP_ACCEL)
            continue;
        layer_energy_t *l = &L[(*nl)++];
        l->step = st;
        mica_layer_counters(ctx, (int)s, cnt, MICA_NUM_COUNTERS);
        if (!cnt[MICA_CNT_INSTRS]) {
            fprintf(stderr, "%s energy: backend %s reports no per-layer counters (use rtl)\n",
                    cli_prog, mica_backend_name(ctx));
            return -1;
        }
        mica_energy_events_from_counters(cnt, &l->meas_ev);
        estimate(p, &hw, st, &l->est_ev);
        l->meas_total = mica_energy_compute(t, &hw, &l->meas_ev, l->meas);
        l->est_total = mica_energy_compute(t, &hw, &l->est_ev, l->est);
    }
    return 0;
}

static int parse_args(int argc, char **argv, energy_args_t *a) {
    memset(a, 0, sizeof *a);
    a->backend = "rtl";
    a->seed = 1;
    for (int i = 1; i < argc; i++) {
        const char **slot = !strcmp(argv[i], "--backend") ? &a->backend
                            : !strcmp(argv[i], "--tech")  ? &a->tech_path
                            : !strcmp(argv[i], "--json")  ? &a->json
                            : !strcmp(argv[i], "--svg")   ? &a->svg
                                                          : NULL;
        if (slot && i + 1 < argc)
            *slot = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if (cli_parse_count("energy", "--seed", argv[++i], 0, INT64_MAX, &a->seed))
                return -1;
        } else if (argv[i][0] != '-' && !a->prog)
            a->prog = argv[i];
        else
            return cli_unexpected("energy", argv[i]), -1;
    }
    if (!a->prog)
        fprintf(stderr, "%s energy: need a compiled program (mica compile MODEL -o OUT.mica)\n",
                cli_prog);
    return a->prog ? 0 : -1;
}

int cli_energy(int argc, char **argv) {
    energy_args_t a;
    mica_energy_tech_t tech;
    mica_program_t p;
    char err[600];
    if (parse_args(argc, argv, &a))
        return 2;
    const char *tech_path = a.tech_path ? a.tech_path : cli_default_tech_path();
    if (mica_energy_tech_load(tech_path, &tech, err, sizeof err)) {
        char shown[600];
        fprintf(stderr, "%s energy: --tech %s\n", cli_prog,
                mica_escape_name(err, shown, sizeof shown));
        return 2;
    }
    if (read_program(a.prog, &p))
        return 1;
    layer_energy_t *L = calloc(p.hdr.nsteps ? p.hdr.nsteps : 1, sizeof *L);
    mica_ctx_t *ctx = L ? cli_open_and_load(a.backend, a.prog) : NULL;
    int n = 0, rc = 1;
    if (ctx && !measure(ctx, &p, &tech, a.seed, L, &n)) {
        print_table(L, n, tech.name, mica_backend_name(ctx));
        if (mica_cycles_estimated(ctx))
            printf("(%s backend: its cycles, so the measured static energy, are cost-model "
                   "estimates; rtl counts them)\n",
                   mica_backend_name(ctx));
        double comp[MICA_EN_COMPONENTS], est, meas;
        uint64_t macs;
        sum_layers(L, n, comp, &est, &meas, &macs);
        printf("total (accelerator layers): measured %.3f uJ/inference, estimate %.3f uJ "
               "(%+.2f%%), %.3f pJ/MAC over %llu model MACs\n",
               meas / 1e6, est / 1e6, pct(est, meas), macs ? meas / (double)macs : 0,
               (unsigned long long)macs);
        printf("breakdown:");
        for (int k = 0; k < MICA_EN_COMPONENTS; k++)
            printf(" %s %.1f%%", mica_energy_component_names[k],
                   meas > 0 ? 100 * comp[k] / meas : 0);
        printf("\n");
        rc = (a.json && write_file(a.json, "--json", L, n, &a, &tech)) ||
                     (a.svg && write_file(a.svg, "--svg", L, n, &a, &tech))
                 ? 1
                 : 0;
    }
    mica_close(ctx);
    mica_program_free(&p);
    free(L);
    return rc;
}
