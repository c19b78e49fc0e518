/* Energy technology tables (hw/energy/NODE.json): every number with its source, checked strictly. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "energy_tech.h"
#include "json_read.h"

/* The energy keys, each {"value": v, "source": "..."}; min_exclusive: must be > 0, not >= 0. */
static const struct {
    const char *key;
    size_t offset;
    int min_exclusive;
} tech_keys[] = {
    {"mac_int8_pj", offsetof(mica_energy_tech_t, mac_pj), 0},
    {"reg_pj_per_bit", offsetof(mica_energy_tech_t, reg_pj_per_bit), 0},
    {"sram_read_pj_per_bit", offsetof(mica_energy_tech_t, sram_read_pj_per_bit), 0},
    {"sram_ref_bytes", offsetof(mica_energy_tech_t, sram_ref_bytes), 1},
    {"sram_write_factor", offsetof(mica_energy_tech_t, sram_write_factor), 1},
    {"ext_pj_per_bit", offsetof(mica_energy_tech_t, ext_pj_per_bit), 0},
    {"static_pj_per_cycle_per_kib", offsetof(mica_energy_tech_t, static_pj_per_cycle_per_kib), 0},
    {"static_pj_per_cycle_per_pe", offsetof(mica_energy_tech_t, static_pj_per_cycle_per_pe), 0},
};
#define NKEYS (sizeof tech_keys / sizeof tech_keys[0])

typedef struct {
    mica_energy_tech_t *tech;
    unsigned seen; /* tech_keys given */
    int has_value, has_source, has_name, has_node;
    const char *key; /* the energy key being read */
    double value;
} tech_ctx_t;

static int entry_member(jr_t *r, const char *key, void *ctx) {
    tech_ctx_t *t = ctx;
    if (!strcmp(key, "value")) {
        t->has_value = 1;
        return jr_number(r, &t->value);
    }
    if (!strcmp(key, "source")) {
        char source[512];
        if (jr_string(r, source, sizeof source))
            return -1;
        if (!source[0])
            return jr_fail(r, "%s.source is empty: say where the number comes from", t->key);
        t->has_source = 1;
        return 0;
    }
    return jr_fail(r, "%s: unknown key '%s' (value, source)", t->key, key);
}

static int energy_entry(jr_t *r, tech_ctx_t *t, size_t i) {
    t->key = tech_keys[i].key;
    t->has_value = t->has_source = 0;
    if (t->seen & (1u << i))
        return jr_fail(r, "%s given twice", t->key);
    jr_skip_ws(r);
    if (r->p < r->end && *r->p != '{')
        return jr_fail(r, "%s: expected {\"value\": number, \"source\": \"...\"}", t->key);
    if (jr_object(r, entry_member, t))
        return -1;
    if (!t->has_value || !t->has_source)
        return jr_fail(r, "%s: needs both \"value\" and \"source\"", t->key);
    double v = t->value;
    if (tech_keys[i].min_exclusive ? !(v > 0) : !(v >= 0))
        return jr_fail(r, "%s = %g: must be %s", t->key, v,
                       tech_keys[i].min_exclusive ? "> 0" : ">= 0");
    if (!(v < 1e12))
        return jr_fail(r, "%s = %g: must be below 1e12", t->key, v);
    memcpy((char *)t->tech + tech_keys[i].offset, &v, sizeof v);
    t->seen |= 1u << i;
    return 0;
}

static int tech_member(jr_t *r, const char *key, void *ctx) {
    tech_ctx_t *t = ctx;
    if (key[0] == '_')
        return jr_skip(r); /* documentation: the scaling rule, notes */
    if (!strcmp(key, "name")) {
        t->has_name = 1;
        if (jr_string(r, t->tech->name, sizeof t->tech->name))
            return -1;
        return t->tech->name[0] ? 0 : jr_fail(r, "name is empty");
    }
    if (!strcmp(key, "node_nm")) {
        double nm;
        t->has_node = 1;
        if (jr_number(r, &nm))
            return -1;
        return nm >= 1 && nm <= 1000 ? 0 : jr_fail(r, "node_nm = %g: must be 1..1000", nm);
    }
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(key, tech_keys[i].key))
            return energy_entry(r, t, i);
    return jr_fail(
        r, "unknown key '%s' (name, node_nm, _notes, or an energy key of hw/energy/45nm.json)",
        key);
}

int mica_energy_tech_parse(const char *text, size_t len, const char *what, mica_energy_tech_t *out,
                           char *err, size_t errlen) {
    jr_t r = {text, text, text + len, what, err, errlen, 0};
    if (len > MICA_TECH_MAX_BYTES)
        return jr_fail(&r, "%zu bytes, more than a technology table may have (%u)", len,
                       MICA_TECH_MAX_BYTES);
    memset(out, 0, sizeof *out);
    tech_ctx_t t = {out, 0, 0, 0, 0, 0, NULL, 0};
    if (jr_object(&r, tech_member, &t))
        return -1;
    jr_skip_ws(&r);
    if (r.p != r.end)
        return jr_fail(&r, "text after the top-level object");
    if (!t.has_name || !t.has_node)
        return jr_fail(&r, "missing \"%s\"", t.has_name ? "node_nm" : "name");
    for (size_t i = 0; i < NKEYS; i++)
        if (!(t.seen & (1u << i)))
            return jr_fail(&r, "missing \"%s\" ({\"value\": number, \"source\": \"...\"})",
                           tech_keys[i].key);
    return 0;
}

int mica_energy_tech_load(const char *path, mica_energy_tech_t *out, char *err, size_t errlen) {
    size_t n;
    char *buf = jr_read_file(path, MICA_TECH_MAX_BYTES, &n, err, errlen);
    if (!buf)
        return -1;
    int rc = mica_energy_tech_parse(buf, n, path, out, err, errlen);
    free(buf);
    return rc;
}
