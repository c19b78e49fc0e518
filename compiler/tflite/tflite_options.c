/* Generic BuiltinOptions decoding driven by the generated per-table field
 * kinds (tflite_schema.c), plus option accessors and enum names. */
#include <stdio.h>
#include <string.h>

#include "tflite_internal.h"
#include "tflite_schema_tables.h"

/* Options table each builtin we care about must carry (when it has any):
 * a mismatch would make the compiler read the wrong fields. */
static int expected_options(int builtin) {
    switch (builtin) {
    case TFL_OP_CONV_2D:
        return TFL_OPTS_CONV2D;
    case TFL_OP_DEPTHWISE_CONV_2D:
        return TFL_OPTS_DEPTHWISE_CONV2D;
    case TFL_OP_FULLY_CONNECTED:
        return TFL_OPTS_FULLY_CONNECTED;
    case TFL_OP_AVERAGE_POOL_2D:
    case TFL_OP_MAX_POOL_2D:
    case TFL_OP_L2_POOL_2D:
        return TFL_OPTS_POOL2D;
    case TFL_OP_SOFTMAX:
        return TFL_OPTS_SOFTMAX;
    case TFL_OP_ADD:
        return TFL_OPTS_ADD;
    case TFL_OP_SUB:
        return TFL_OPTS_SUB;
    case TFL_OP_MUL:
        return TFL_OPTS_MUL;
    case TFL_OP_RESHAPE:
        return TFL_OPTS_RESHAPE;
    case TFL_OP_SQUEEZE:
        return TFL_OPTS_SQUEEZE;
    case TFL_OP_CONCATENATION:
        return TFL_OPTS_CONCATENATION;
    case TFL_OP_MEAN:
    case TFL_OP_SUM:
    case TFL_OP_REDUCE_MAX:
    case TFL_OP_REDUCE_MIN:
    case TFL_OP_REDUCE_PROD:
    case TFL_OP_REDUCE_ANY:
        return TFL_OPTS_REDUCER;
    case TFL_OP_STRIDED_SLICE:
        return TFL_OPTS_STRIDED_SLICE;
    case TFL_OP_LEAKY_RELU:
        return TFL_OPTS_LEAKY_RELU;
    case TFL_OP_RESIZE_NEAREST_NEIGHBOR:
        return TFL_OPTS_RESIZE_NEAREST_NEIGHBOR;
    case TFL_OP_TRANSPOSE:
        return TFL_OPTS_TRANSPOSE;
    case TFL_OP_PAD:
        return TFL_OPTS_PAD;
    default:
        return -1; /* not checked */
    }
}

static int scalar_size(int kind, int *is_signed) {
    *is_signed =
        (kind == TFL_FK_I8 || kind == TFL_FK_I16 || kind == TFL_FK_I32 || kind == TFL_FK_I64);
    switch (kind) {
    case TFL_FK_BOOL:
    case TFL_FK_I8:
    case TFL_FK_U8:
        return 1;
    case TFL_FK_I16:
    case TFL_FK_U16:
        return 2;
    case TFL_FK_I32:
    case TFL_FK_U32:
    case TFL_FK_F32:
        return 4;
    case TFL_FK_I64:
    case TFL_FK_U64:
        return 8;
    default:
        return 0;
    }
}

/* One field of an options table into its slot (default already filled in). */
static int decode_slot(tfl_dec_t *d, const fb_table_t *t, int id, tfl_opt_slot_t *slot) {
    int is_signed, present;
    int size = scalar_size(slot->kind, &is_signed);
    char field[32];
    snprintf(field, sizeof field, "options field %d", id);
    if (slot->kind == TFL_FK_VEC_I32) {
        uint64_t pos;
        if (fb_field_pos(&d->fb, t, id, 4, field, &pos))
            return -1;
        slot->present = pos != 0;
        return tfl_int_vector(d, t, id, TFL_LIM_OPT_VEC, field, &slot->vec, &slot->nvec);
    }
    if (slot->kind == TFL_FK_OTHER) { /* strings / float vectors: presence only */
        uint64_t pos;
        if (fb_field_pos(&d->fb, t, id, 4, field, &pos))
            return -1;
        slot->present = pos != 0;
        return 0;
    }
    if (!size)
        return 0;
    uint64_t raw = 0;
    if (fb_scalar(&d->fb, t, id, (uint32_t)size, field, &raw, &present))
        return -1;
    if (!present)
        return 0;
    slot->present = 1;
    if (slot->kind == TFL_FK_F32) {
        uint32_t bits = (uint32_t)raw;
        memcpy(&slot->f, &bits, sizeof bits);
    } else if (slot->kind == TFL_FK_BOOL) {
        slot->i = raw != 0;
    } else if (is_signed && size < 8) {
        uint64_t sign = (uint64_t)1 << (size * 8 - 1);
        slot->i = (int64_t)((raw ^ sign) - sign);
    } else {
        slot->i = (int64_t)raw; /* U64 above INT64_MAX wraps; no schema field needs it */
    }
    return 0;
}

/* VAR_HANDLE names its resource variable by container and shared_name (strings). */
static int decode_var_handle(tfl_dec_t *d, const fb_table_t *t, tfl_op_t *op) {
    const uint8_t *s;
    uint32_t len;
    if (fb_string(&d->fb, t, 0, TFL_LIM_STRING, "container", &s, &len) ||
        !(op->var_container = tfl_strdup_n(d, s, len)) ||
        fb_string(&d->fb, t, 1, TFL_LIM_STRING, "shared_name", &s, &len) ||
        !(op->var_shared_name = tfl_strdup_n(d, s, len)))
        return -1;
    return 0;
}

int tfl_decode_options(tfl_dec_t *d, const fb_table_t *op_table, tfl_op_t *op) {
    int64_t type;
    fb_table_t t;
    int present;
    if (fb_get_int(&d->fb, op_table, 3, 1, 0, 0, "builtin_options_type", &type))
        return -1;
    op->options_type = (int)type;
    if (type == 0)
        return 0;
    int want = expected_options(op->builtin);
    if (want >= 0 && type != want)
        return fb_failf(&d->fb, "options are %s, expected %s", tfl_options_name((int)type),
                        tfl_options_name(want));
    if (type >= TFL_OPTS_COUNT || !tfl_opts_schema[type].name)
        return 0; /* newer schema: skip */
    const tfl_opts_schema_t *schema = &tfl_opts_schema[type];
    op->opt.nslots = schema->nfields;
    for (int i = 0; i < schema->nfields; i++) {
        op->opt.slot[i].kind = schema->field[i].kind;
        if (schema->field[i].kind == TFL_FK_F32)
            op->opt.slot[i].f = (float)schema->field[i].dflt;
        else
            op->opt.slot[i].i = (int64_t)schema->field[i].dflt;
    }
    if (fb_subtable(&d->fb, op_table, 4, "builtin_options", &t, &present))
        return -1;
    if (!present)
        return 0; /* no table: TFLite zero-fills the parameters */
    op->has_options = 1;
    for (int i = 0; i < schema->nfields; i++)
        if (decode_slot(d, &t, i, &op->opt.slot[i]))
            return -1;
    return type == TFL_OPTS_VAR_HANDLE ? decode_var_handle(d, &t, op) : 0;
}

static const tfl_opt_slot_t *slot_of(const tfl_op_t *op, int field) {
    if (!op || field < 0 || field >= op->opt.nslots)
        return NULL;
    return &op->opt.slot[field];
}

int64_t tfl_opt_int(const tfl_op_t *op, int field, int64_t dflt) {
    const tfl_opt_slot_t *s = slot_of(op, field);
    if (!s || !op->has_options || s->kind == TFL_FK_NONE || s->kind == TFL_FK_F32 ||
        s->kind >= TFL_FK_VEC_I32)
        return dflt;
    return s->i;
}

float tfl_opt_float(const tfl_op_t *op, int field, float dflt) {
    const tfl_opt_slot_t *s = slot_of(op, field);
    if (!s || !op->has_options || s->kind != TFL_FK_F32)
        return dflt;
    return s->f;
}

const int32_t *tfl_opt_vec(const tfl_op_t *op, int field, int *count) {
    const tfl_opt_slot_t *s = slot_of(op, field);
    *count = 0;
    if (!s || s->kind != TFL_FK_VEC_I32 || !s->present)
        return NULL;
    *count = s->nvec;
    return s->vec;
}

int tfl_opt_present(const tfl_op_t *op, int field) {
    const tfl_opt_slot_t *s = slot_of(op, field);
    return s && s->present;
}

const char *tfl_builtin_name(int builtin) {
    if (builtin < 0 || builtin >= TFL_OP_COUNT || !tfl_builtin_names[builtin])
        return "UNKNOWN";
    return tfl_builtin_names[builtin];
}

const char *tfl_type_name(int type) {
    if (type < 0 || type >= TFL_TYPE_COUNT || !tfl_type_names[type])
        return "UNKNOWN";
    return tfl_type_names[type];
}

const char *tfl_options_name(int options_type) {
    if (options_type == 0)
        return "NONE";
    if (options_type < 0 || options_type >= TFL_OPTS_COUNT || !tfl_opts_schema[options_type].name)
        return "UNKNOWN";
    return tfl_opts_schema[options_type].name;
}
