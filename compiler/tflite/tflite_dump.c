/* tflite_dump: print what the Mica TFLite reader decodes from a model.
 *
 *   tflite_dump [-v] [--json] [-q] MODEL.tflite
 *
 * Default output is a human-readable listing of tensors (type, shape, constant
 * data size, quantization) and operators (inputs, outputs, options). --json
 * prints the same as one JSON object (used by the tests), -v prints every
 * per-axis scale, -q only validates. Exit 0 on success; on a bad model one line
 * "tflite_dump: MODEL: problem" on stderr and exit 1.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tflite_reader.h"
#include "tflite_schema_tables.h"

static void print_json_string(const char *s) {
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            printf("\\u%04x", *p); /* bytes, not UTF-8 decoding */
        else
            putchar(*p);
    }
    putchar('"');
}

static void print_float(float f, int json) {
    if (isnan(f))
        fputs(json ? "NaN" : "nan", stdout);
    else if (isinf(f))
        fputs(f > 0 ? (json ? "Infinity" : "inf") : (json ? "-Infinity" : "-inf"), stdout);
    else
        printf("%.9g", (double)f);
}

static void print_int_list(const int32_t *v, int n) {
    putchar('[');
    for (int i = 0; i < n; i++)
        printf("%s%ld", i ? "," : "", (long)v[i]);
    putchar(']');
}

/* Options as "name=value" pairs (text) or a JSON object body. */
static void print_options(const tfl_op_t *op, int json) {
    const tfl_opts_schema_t *schema = (op->options_type > 0 && op->options_type < TFL_OPTS_COUNT)
                                          ? &tfl_opts_schema[op->options_type]
                                          : NULL;
    int first = 1;
    for (int i = 0; i < op->opt.nslots; i++) {
        const tfl_opt_slot_t *s = &op->opt.slot[i];
        if (s->kind == TFL_FK_NONE || s->kind == TFL_FK_OTHER)
            continue;
        const char *name = (schema && schema->field[i].name[0]) ? schema->field[i].name : "?";
        if (json)
            printf("%s\"%s\":", first ? "" : ",", name);
        else
            printf("%s%s=", first ? "" : " ", name);
        first = 0;
        if (s->kind == TFL_FK_F32)
            print_float(s->f, json);
        else if (s->kind == TFL_FK_VEC_I32)
            print_int_list(s->vec, s->nvec);
        else
            printf("%lld", (long long)s->i);
    }
}

static void print_quant_text(const tfl_tensor_t *t, int verbose) {
    if (t->nquant == 0)
        return;
    if (t->nquant == 1) {
        printf("  scale=");
        print_float(t->scale[0], 0);
        printf(" zp=%lld", (long long)t->zero_point[0]);
        return;
    }
    printf("  per-axis dim %d: %d scales", t->quant_dim, t->nquant);
    int shown = verbose ? t->nquant : (t->nquant < 3 ? t->nquant : 3);
    for (int i = 0; i < shown; i++) {
        printf(" %s", i ? "" : "[");
        print_float(t->scale[i], 0);
        printf("/%lld", (long long)t->zero_point[i]);
    }
    printf("%s]", shown < t->nquant ? " ..." : "");
}

static void dump_text(const tfl_model_t *m, const char *path, int verbose) {
    printf("model %s: schema v%u, %s, description \"%s\"\n", path, m->version,
           m->has_identifier ? "identifier TFL3" : "no identifier", m->description);
    printf("subgraphs %d (showing 0 \"%s\"), tensors %d, ops %d, buffers %d, operator codes %d\n",
           m->nsubgraphs, m->subgraph_name, m->ntensors, m->nops, m->nbuffers, m->nopcodes);
    printf("inputs ");
    print_int_list(m->inputs, m->ninputs);
    printf("  outputs ");
    print_int_list(m->outputs, m->noutputs);
    printf("\n\ntensors:\n");
    for (int i = 0; i < m->ntensors; i++) {
        const tfl_tensor_t *t = &m->tensors[i];
        printf("  %3d %-8s ", i, tfl_type_name(t->type));
        print_int_list(t->dims, t->rank);
        if (t->data)
            printf("  const %zu B (buffer %u)", t->data_size, t->buffer);
        if (t->is_variable)
            printf("  variable");
        if (t->is_sparse)
            printf("  sparse");
        print_quant_text(t, verbose);
        printf("  \"%s\"\n", t->name);
    }
    printf("\nops:\n");
    for (int i = 0; i < m->nops; i++) {
        const tfl_op_t *op = &m->ops[i];
        printf("  %3d %s v%d", i, op->custom_code ? op->custom_code : tfl_builtin_name(op->builtin),
               op->version);
        printf(" in ");
        print_int_list(op->inputs, op->ninputs);
        printf(" out ");
        print_int_list(op->outputs, op->noutputs);
        if (op->options_type) {
            printf(" %s{", tfl_options_name(op->options_type));
            print_options(op, 0);
            printf("}");
        }
        printf("\n");
    }
}

/* FNV-1a 64 of the constant data, so tests can compare bytes without dumping them. */
static uint64_t fnv1a64(const uint8_t *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static void dump_json_tensor(const tfl_tensor_t *t) {
    printf("{\"name\":");
    print_json_string(t->name);
    printf(",\"type\":\"%s\",\"shape\":", tfl_type_name(t->type));
    print_int_list(t->dims, t->rank);
    printf(",\"buffer\":%u,\"data_size\":%zu,\"is_variable\":%d,\"quant_dim\":%d,\"scale\":[",
           t->buffer, t->data_size, t->is_variable, t->quant_dim);
    for (int q = 0; q < t->nquant; q++) {
        if (q)
            putchar(',');
        print_float(t->scale[q], 1);
    }
    printf("],\"zero_point\":[");
    for (int q = 0; q < t->nquant; q++)
        printf("%s%lld", q ? "," : "", (long long)t->zero_point[q]);
    printf("],\"data_fnv\":\"%016llx\"}", (unsigned long long)fnv1a64(t->data, t->data_size));
}

static void dump_json(const tfl_model_t *m) {
    printf("{\"version\":%u,\"nsubgraphs\":%d,\"description\":", m->version, m->nsubgraphs);
    print_json_string(m->description);
    printf(",\"inputs\":");
    print_int_list(m->inputs, m->ninputs);
    printf(",\"outputs\":");
    print_int_list(m->outputs, m->noutputs);
    printf(",\n\"tensors\":[\n");
    for (int i = 0; i < m->ntensors; i++) {
        dump_json_tensor(&m->tensors[i]);
        printf("%s\n", i + 1 < m->ntensors ? "," : "");
    }
    printf("],\n\"ops\":[\n");
    for (int i = 0; i < m->nops; i++) {
        const tfl_op_t *op = &m->ops[i];
        printf("{\"builtin\":\"%s\",\"version\":%d,\"inputs\":", tfl_builtin_name(op->builtin),
               op->version);
        print_int_list(op->inputs, op->ninputs);
        printf(",\"outputs\":");
        print_int_list(op->outputs, op->noutputs);
        printf(",\"options\":\"%s\",\"fields\":{", tfl_options_name(op->options_type));
        print_options(op, 1);
        printf("}}%s\n", i + 1 < m->nops ? "," : "");
    }
    printf("]}\n");
}

int main(int argc, char **argv) {
    int json = 0, verbose = 0, quiet = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else if (!strcmp(argv[i], "-q"))
            quiet = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            path = NULL, i = argc;
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: tflite_dump [-v] [--json] [-q] MODEL.tflite\n");
        return 2;
    }
    char err[512];
    tfl_model_t *m;
    if (tfl_model_load_file(path, &m, err, sizeof err)) {
        fprintf(stderr, "tflite_dump: %s: %s\n", path, err);
        return 1;
    }
    if (!quiet) {
        if (json)
            dump_json(m);
        else
            dump_text(m, path, verbose);
    }
    tfl_model_free(m);
    return 0;
}
