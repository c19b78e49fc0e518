/* The generated typed encoders/decoders (mica_<op>_encode/decode), the descriptor table
 * (mica_op_desc), the CSR sub-field helpers and the disassembler, against the plain field
 * descriptors MICA_F_* + MICA_SET/MICA_GET that the code base used until now.
 * The field lists below are written out by hand on purpose: a field the generator drops,
 * reorders or places differently fails here. */
#include <stdio.h>
#include <string.h>
#include "mica_disasm.h"
#include "mica_isa.h"
#include "test_check.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static unsigned width_of(unsigned lsb, unsigned width, int s) {
    (void)lsb;
    (void)s;
    return width;
}
static unsigned lsb_of(unsigned lsb, unsigned width, int s) {
    (void)width;
    (void)s;
    return lsb;
}
static int signed_of(unsigned lsb, unsigned width, int s) {
    (void)lsb;
    (void)width;
    return s;
}
/* A random value that fits the field; the extremes often. */
static int64_t random_fit(unsigned lsb, unsigned width, int s) {
    (void)lsb;
    int64_t lo = s ? -(1ll << (width - 1)) : 0,
            hi = s ? (1ll << (width - 1)) - 1 : (int64_t)((1ull << width) - 1);
    switch (next() % 4) {
    case 0:
        return lo;
    case 1:
        return hi;
    default:
        return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
    }
}

/* X(OP, FIELD, field) per field, in the spec's order. */
/* One field per line (clang-format is not stable on these lists). */
/* clang-format off */
#define LOAD_FIELDS(X)              \
    X(LOAD, TARGET, target)         \
    X(LOAD, COL, col)               \
    X(LOAD, MEM_ADDR, mem_addr)     \
    X(LOAD, ROWS, rows)             \
    X(LOAD, LEN, len)               \
    X(LOAD, EXT_ADDR, ext_addr)     \
    X(LOAD, EXT_STRIDE, ext_stride) \
    X(LOAD, FILL, fill)
#define LOADW_FIELDS(X) X(LOADW, VECTOR, vector) X(LOADW, WSPAD_ADDR, wspad_addr)
#define CONV_FIELDS(X, OP)        \
    X(OP, ACCUMULATE, accumulate) \
    X(OP, Z_IN, z_in)             \
    X(OP, ASPAD_ADDR, aspad_addr) \
    X(OP, ACC_ADDR, acc_addr)     \
    X(OP, IN_H, in_h)             \
    X(OP, IN_W, in_w)             \
    X(OP, OUT_H, out_h)           \
    X(OP, OUT_W, out_w)           \
    X(OP, STRIDE_Y, stride_y)     \
    X(OP, STRIDE_X, stride_x)     \
    X(OP, OFF_Y, off_y)           \
    X(OP, OFF_X, off_x)
#define MATMUL_FIELDS(X) CONV_FIELDS(X, MATMUL)
#define DWCONV_FIELDS(X) CONV_FIELDS(X, DWCONV) X(DWCONV, MODE, mode) X(DWCONV, TAPS, taps)
#define RESCALE_FIELDS(X)                \
    X(RESCALE, ACCUMULATE, accumulate)   \
    X(RESCALE, Z_IN, z_in)               \
    X(RESCALE, ASPAD_ADDR, aspad_addr)   \
    X(RESCALE, ACC_ADDR, acc_addr)       \
    X(RESCALE, ROWS, rows)               \
    X(RESCALE, MULT, mult)               \
    X(RESCALE, LEFT_SHIFT, left_shift)   \
    X(RESCALE, RIGHT_SHIFT, right_shift)
#define GEMV_FIELDS(X)                \
    X(GEMV, ACCUMULATE, accumulate)   \
    X(GEMV, Z_IN, z_in)               \
    X(GEMV, ASPAD_ADDR, aspad_addr)   \
    X(GEMV, ACC_ADDR, acc_addr)       \
    X(GEMV, FOLDS, folds)             \
    X(GEMV, PIXELS, pixels)           \
    X(GEMV, WSPAD_ADDR, wspad_addr)
#define STORE_FIELDS(X)              \
    X(STORE, ROUND, round)           \
    X(STORE, TARGET, target)         \
    X(STORE, ACC_ADDR, acc_addr)     \
    X(STORE, ROWS, rows)             \
    X(STORE, LEN, len)               \
    X(STORE, PARAM_SET, param_set)   \
    X(STORE, EXT_ADDR, ext_addr)     \
    X(STORE, EXT_STRIDE, ext_stride) \
    X(STORE, Z_OUT, z_out)           \
    X(STORE, ACT_MIN, act_min)       \
    X(STORE, ACT_MAX, act_max)
#define NO_FIELDS(X)
/* clang-format on */

/* Random fields: typed encode == MICA_SET, typed decode == the values put in. */
#define RANDOM_FIELD(OP, FIELD, field)                                                             \
    {                                                                                              \
        int64_t v = random_fit(MICA_F_##OP##_##FIELD);                                             \
        f.field = v;                                                                               \
        MICA_SET(&ref, MICA_F_##OP##_##FIELD, v);                                                  \
    }
/* Each field alone one past its width (when its C type can hold that): -1 naming it. */
#define OVERFLOW_FIELD(OP, FIELD, field)                                                           \
    {                                                                                              \
        fields_t z;                                                                                \
        memset(&z, 0, sizeof z);                                                                   \
        int64_t over = signed_of(MICA_F_##OP##_##FIELD)                                            \
                           ? (1ll << (width_of(MICA_F_##OP##_##FIELD) - 1))                        \
                           : (1ll << width_of(MICA_F_##OP##_##FIELD));                             \
        if (over <= 0xFFFFFFFFll && (!signed_of(MICA_F_##OP##_##FIELD) || over <= 0x7FFFFFFFll)) { \
            z.field = over;                                                                        \
            const char *bad = NULL;                                                                \
            mica_instr_t o;                                                                        \
            CHECK(encode(&z, &o, &bad) == -1 && bad && !strcmp(bad, #field),                       \
                  "%s.%s = %lld accepted or misnamed (%s)", #OP, #field, (long long)over,          \
                  bad ? bad : "NULL");                                                             \
        }                                                                                          \
    }
/* The descriptor table lists the same fields at the same places. */
#define TABLE_FIELD(OP, FIELD, field)                                                              \
    {                                                                                              \
        CHECK(i < d->nfields && !strcmp(d->fields[i].name, #field) &&                              \
                  d->fields[i].lsb == lsb_of(MICA_F_##OP##_##FIELD) &&                             \
                  d->fields[i].width == width_of(MICA_F_##OP##_##FIELD) &&                         \
                  (int)d->fields[i].is_signed == signed_of(MICA_F_##OP##_##FIELD),                 \
              "table %s field %u is not %s", #OP, i, #field);                                      \
        i++;                                                                                       \
    }

#define CHECK_OP(op, OP, FIELDS)                                                                   \
    do {                                                                                           \
        typedef mica_##op##_fields_t fields_t;                                                     \
        int (*encode)(const fields_t *, mica_instr_t *, const char **) = mica_##op##_encode;       \
        (void)encode;                                                                              \
        for (int t = 0; t < 2000; t++) {                                                           \
            mica_##op##_fields_t f, back;                                                          \
            mica_instr_t ref = {{0, 0}}, got = {{~0ull, ~0ull}};                                   \
            memset(&f, 0, sizeof f);                                                               \
            MICA_SET(&ref, MICA_F_OPCODE, MICA_OP_##OP);                                           \
            f.wait = (uint32_t)(next() % 16);                                                      \
            MICA_SET(&ref, MICA_F_WAIT, f.wait);                                                   \
            FIELDS(RANDOM_FIELD)                                                                   \
            const char *bad = "untouched";                                                         \
            CHECK(mica_##op##_encode(&f, &got, &bad) == 0, "%s encode refused %s", #OP, bad);      \
            CHECK(!memcmp(&ref, &got, sizeof ref), "%s encode differs from MICA_SET (trial %d)",   \
                  #OP, t);                                                                         \
            mica_##op##_decode(&got, &back);                                                       \
            CHECK(!memcmp(&back, &f, sizeof f), "%s decode differs (trial %d)", #OP, t);           \
            CHECK(mica_instr_opcode(&got) == MICA_OP_##OP && mica_instr_wait(&got) == f.wait,      \
                  "%s opcode/wait", #OP);                                                          \
        }                                                                                          \
        FIELDS(OVERFLOW_FIELD) {                                                                   \
            mica_##op##_fields_t z;                                                                \
            memset(&z, 0, sizeof z);                                                               \
            z.wait = 16;                                                                           \
            const char *bad = NULL;                                                                \
            mica_instr_t o;                                                                        \
            CHECK(mica_##op##_encode(&z, &o, &bad) == -1 && bad && !strcmp(bad, "wait"),           \
                  "%s wait 16", #OP);                                                              \
        }                                                                                          \
        const mica_op_desc_t *d = mica_op_desc(MICA_OP_##OP);                                      \
        CHECK(d && !strcmp(d->name, #OP) && d->opcode == MICA_OP_##OP, "no table entry for %s",    \
              #OP);                                                                                \
        if (d) {                                                                                   \
            unsigned i = 0;                                                                        \
            FIELDS(TABLE_FIELD)                                                                    \
            CHECK(i == d->nfields, "%s: table has %u fields", #OP, d->nfields);                    \
        }                                                                                          \
    } while (0)

static void check_ops(void) {
    CHECK_OP(load, LOAD, LOAD_FIELDS);
    CHECK_OP(loadw, LOADW, LOADW_FIELDS);
    CHECK_OP(matmul, MATMUL, MATMUL_FIELDS);
    CHECK_OP(dwconv, DWCONV, DWCONV_FIELDS);
    CHECK_OP(rescale, RESCALE, RESCALE_FIELDS);
    CHECK_OP(gemv, GEMV, GEMV_FIELDS);
    CHECK_OP(store, STORE, STORE_FIELDS);
    CHECK_OP(sync, SYNC, NO_FIELDS);
    CHECK_OP(end, END, NO_FIELDS);
    unsigned legal = 0;
    for (unsigned op = 0; op < 16; op++)
        legal += mica_op_desc(op) != NULL;
    CHECK(legal == 9 && !mica_op_desc(0) && !mica_op_desc(16), "%u opcodes in the table", legal);
}

/* Value names and limits the hardware checks (hw/mica.json). */
static void check_names_and_limits(void) {
    CHECK(MICA_LOAD_TARGET_ASPAD == 0 && MICA_LOAD_TARGET_WSPAD == 1 && MICA_LOAD_TARGET_PARAM == 2,
          "LOAD.target");
    CHECK(MICA_STORE_ROUND_DOUBLE == 0 && MICA_STORE_ROUND_SINGLE == 1 &&
              MICA_STORE_ROUND_REAL == 2,
          "round");
    CHECK(MICA_STORE_TARGET_EXT == 0 && MICA_STORE_TARGET_ASPAD == 1, "STORE.target");
    CHECK(MICA_DWCONV_MODE_MAC == 0 && MICA_DWCONV_MODE_MAXIMUM == 1 && MICA_DWCONV_MODE_MAX == 1,
          "mode");
    CHECK(MICA_LOADW_VECTOR_TILE == 0 && MICA_LOADW_VECTOR_ROW == 1, "vector");
    CHECK(MICA_DWCONV_TAPS_ONE == 0 && MICA_DWCONV_TAPS_NINE == 1 && MICA_DWCONV_TAPS_THREE == 2 &&
              MICA_FEATURE_DWCONV_TAPS == 1u << 6 && MICA_DWCONV_LINE == 64,
          "taps");
    mica_instr_t g = {{0, 0}};
    MICA_SET(&g, MICA_F_GEMV_FOLDS, 5);
    MICA_SET(&g, MICA_F_GEMV_PIXELS, 7);
    CHECK(MICA_OP_GEMV == 9 && MICA_FEATURE_GEMV == 1u << 7 && MICA_GEMV_FOLDS_MIN == 1 &&
              MICA_GEMV_PIXELS_MIN == 1 && MICA_GET(&g, MICA_F_MATMUL_IN_H) == 5 &&
              MICA_GET(&g, MICA_F_MATMUL_IN_W) == 7,
          "GEMV (folds and pixels at MATMUL's in_h and in_w: the decoder's one product)");
    CHECK(MICA_MATMUL_STRIDE_X_MIN == 1 && MICA_MATMUL_STRIDE_X_MAX == 15 &&
              MICA_DWCONV_STRIDE_Y_MAX == 15,
          "stride");
    CHECK(MICA_RESCALE_LEFT_SHIFT_MAX == 22 && MICA_RESCALE_RIGHT_SHIFT_MAX == 31 &&
              MICA_LOAD_ROWS_MIN == 1,
          "shift");
    CHECK(MICA_LOAD_TARGET_MAX == 2 && MICA_STORE_ROUND_MAX == 2 && MICA_STORE_Z_OUT_MIN == -128,
          "derived limits");
    CHECK(MICA_LOAD_EXT_ADDR_MAX == 0xFFFFFFFFu && MICA_MATMUL_OFF_Y_MIN == -512, "width limits");
    uint32_t c0 = mica_config0_pack(16, 8), c2 = mica_config2_pack(1024, 64, 8);
    CHECK(c0 == (16u | 8u << 16) && mica_config0_rows(c0) == 16 && mica_config0_cols(c0) == 8,
          "CONFIG0 %08x", c0);
    CHECK(c2 == (1024u | 64u << 16 | 8u << 24) && mica_config2_param_sets(c2) == 64 &&
              mica_config2_bus_bytes(c2) == 8,
          "CONFIG2 %08x", c2);
    CHECK(mica_config1_wspad_depth(mica_config1_pack(4096, 2048)) == 2048 &&
              MICA_CONFIG1_WSPAD_DEPTH_LSB == 16,
          "CONFIG1");
}

static void check_disasm(void) {
    mica_load_fields_t l = {.wait = MICA_UNIT_ARRAY | MICA_UNIT_STORE,
                            .target = MICA_LOAD_TARGET_ASPAD,
                            .rows = 12,
                            .len = 16,
                            .ext_addr = 0x1a40,
                            .ext_stride = 16,
                            .fill = -3};
    mica_instr_t in;
    char line[300];
    CHECK(mica_load_encode(&l, &in, NULL) == 0, "encode");
    CHECK(mica_disasm_instr(&in, line, sizeof line) == 0, "disasm LOAD");
    const char *want =
        "LOAD    wait=ARRAY|STORE target=ASPAD col=0 mem_addr=0 rows=12 len=16 ext_addr=0x1a40 "
        "ext_stride=16 fill=-3";
    CHECK(!strcmp(line, want), "got '%s'", line);
    MICA_SET(&in, MICA_F_LOAD_TARGET, 3);
    mica_disasm_instr(&in, line, sizeof line);
    CHECK(strstr(line, "target=3(illegal)") != NULL, "got '%s'", line);
    mica_instr_t bad = {{0xF0ull | 0xE, 0x1234}};
    CHECK(mica_disasm_instr(&bad, line, sizeof line) == -1 &&
              !strcmp(line, ".word 0x000000000000123400000000000000fe"
                            "  ; illegal opcode 14"),
          "got '%s'", line);
    char small[8];
    CHECK(mica_disasm_instr(&in, small, sizeof small) == 0 && strlen(small) == 7, "truncation '%s'",
          small);
    uint8_t bytes[16];
    for (int i = 0; i < 16; i++)
        bytes[i] = (uint8_t)(0x11 * i);
    mica_instr_from_bytes(bytes, &in);
    CHECK(in.w[0] == 0x7766554433221100ull && in.w[1] == 0xFFEEDDCCBBAA9988ull, "byte order");
}

int main(void) {
    check_ops();
    check_names_and_limits();
    check_disasm();
    printf("test_isa_encode: %s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
    return failures != 0;
}
