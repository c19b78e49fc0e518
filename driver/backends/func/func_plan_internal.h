/* Translated programs: the types func_plan.c (running) and func_translate.c (building) share. */
#ifndef MICA_FUNC_PLAN_INTERNAL_H
#define MICA_FUNC_PLAN_INTERNAL_H
#include <stdlib.h>
#include <string.h>
#include "func_plan.h"

/* MATMUL (and DWCONV, RESCALE) operands, decoded. */
typedef struct {
    uint32_t in_h, in_w, out_h, out_w, acc_addr, aspad, sy, sx;
    int32_t off_y, off_x, z_in;
    int accumulate;
} mica_fm_matmul_t;

#define UNKNOWN UINT64_MAX

/* A WSPAD or PARAM row as a LOAD wrote it: len bytes from ext at byte col, fill around them. */
typedef struct {
    uint64_t ext;
    uint32_t len, col;
    int fill;
} fp_row_t;

static inline void fp_row_bytes(const mica_fm_t *m, const fp_row_t *r, void *dst, uint32_t width) {
    memset(dst, r->fill, width);
    memcpy((uint8_t *)dst + r->col, m->ref->mem + r->ext, r->len);
}

/* An instruction of the vector unit in a translation. */
enum { FP_VMAC, FP_VMAX, FP_VRESCALE };
typedef struct {
    uint32_t kind;
    fp_row_t w;      /* FP_VMAC: where its weights (the LOADW vector row) came from */
    mica_instr_t in; /* FP_VRESCALE: its fields */
} fp_vop_t;
typedef struct {
    uint64_t lo, hi;
} fp_range_t;

typedef struct {
    uint32_t t, tiles, groups;
    mica_fm_matmul_t *gathers; /* per tile: how its activations are gathered */
    fp_row_t *wrows;           /* group g, tile j, row r at (g * tiles + j) * ROWS + r */
    uint32_t *acc_addr;        /* per group */
    uint32_t kc;               /* GEMM depth: K = tiles x ROWS, or fewer when kidx is set */
    uint32_t *kidx;   /* the k (tile x ROWS + lane) with a nonzero weight, when many are all zero */
    float *w, *a, *p; /* sgemm: kc x N weights, T x kc activations, T x N products */
    int8_t *wt;       /* integer paths (func_plan.c): with AVX-VNNI kp / 4 blocks of N x 4
                                  * (k fastest); else for one pixel (T = 1) the weights N x K */
    int16_t *a16;     /* that pixel's activations minus the zero point; with w2, T rounded up to 4
                       * rows of kp */
    int16_t *w2;      /* AVX2 without AVX-VNNI, T > 1: kp / 2 blocks of N x 2 (k fastest) */
    int16_t *img16;   /* and when all tiles share a zero point: ASPAD rows [img_lo, img_hi) as
                       * x - z, then a row of zeros (the padding), read through pix */
    uint32_t *pix;    /* the path's rows (T rounded up) x tiles: where in img16 / img8 pixel t reads
                       * tile j's row (row x ROWS) */
    uint8_t *a8;      /* with AVX-VNNI: the activations as x + 128, T rounded up to 4 rows of kp */
    uint8_t *img8;  /* or with AVX-512 VNNI, as img16: the rows as x + 128, then a row of z + 128 */
    int32_t *corr;  /* and per output, what the + 128 and zero points add */
    uint32_t kp;    /* kc rounded up to 4 */
    uint32_t lanes; /* the indirect int16 GEMM: lanes [0, lanes) of each tile's rows (ROWS, or the
                     * kidx prefix every tile shares: an 8-channel input in 16 lanes) */
    uint32_t nlive; /* the int16 GEMM: outputs [0, nlive) have a nonzero weight; the others stay
                     * 0 in out (zero weights sum to exactly 0), never computed */
    int64_t row1;   /* one pixel (a8 without kidx, or the int16 GEMV): the ASPAD row of tile 0's
                    * pixel where tile j's is row1 + j for every tile, all with tile 0's zero point
                    * (one block to convert), else -1 */
    float *img;     /* ASPAD rows [img_lo, img_hi) as floats, zero point removed */
    uint32_t img_lo, img_hi;
    int32_t *out;   /* T x N accumulators */
    int vec;        /* vector-unit groups instead: group g runs ops [vstart[g], vstart[g + 1]) */
    fp_vop_t *vops; /* per op (tile), its gather in gathers */
    uint32_t *vstart;
    int16_t *w16;           /* tiles x LANES weights of the MAC ops */
    struct dw_pass **dwp;   /* per tile: the DWCONV pass that starts there, once run, or NULL */
    struct fp_rescale *tab; /* per tile: the RESCALE ops' results (func_vector.c), or NULL */
} fp_gemm_t;

/* func_load.c: an activation LOAD decoded once (how it copies, from and to where). */
enum { FP_LD_REF, FP_LD_BLOCK, FP_LD_ROWS16, FP_LD_ROWS, FP_LD_PACKED16 };
typedef struct {
    uint32_t mode, rows, width;
    size_t dst;           /* ASPAD byte offset */
    uint64_t src, stride; /* memory: the first row's bytes (PACKED16: from byte 0 of its row) */
    uint64_t need;        /* the memory bytes the copy reads up to (else the interpreter runs it) */
    uint64_t keep[2], put[2]; /* PACKED16: the bytes the row keeps, the fill of the others */
} fp_load_t;
void mica_fp_load_prepare(const mica_isa_ref_t *s, const mica_instr_t *in, fp_load_t *ld);
void mica_fp_load_run(mica_fm_t *m, const mica_instr_t *in, const fp_load_t *ld);

enum { FP_INSTR, FP_GEMM, FP_STORE };
typedef struct {
    uint32_t kind, gemm, group, row0;
    mica_instr_t in;
    mica_fm_requant_t *rq; /* FP_STORE: its output stage, from the PARAM LOADs' sources */
    union {
        fp_load_t ld;             /* FP_INSTR */
        struct {                  /* FP_STORE: the fields a run needs */
            uint32_t rows, aspad; /* aspad: target ASPAD (ext is then its first row) */
            uint64_t ext, stride;
        } st;
    } u;
} fp_step_t;

typedef struct {
    uint32_t prog_addr, prog_len, end_pc;
    int ok; /* 0: cannot be translated; remembered so it is not retried */
    fp_step_t *steps;
    uint32_t nsteps;
    fp_gemm_t *gemms;
    uint32_t ngemms;
    mica_instr_t *wloads; /* the weight and PARAM LOADs, replayed to rebuild WSPAD and PARAM */
    uint32_t nwloads;
    fp_row_t *shadow;  /* source of the last LOADW's rows, or NULL */
    fp_row_t *vshadow; /* sources of the last nvshadow LOADW vectors' rows (Vshadow 0..), or NULL */
    uint32_t nvshadow; /* vector LOADWs of the program, at most MICA_DWCONV_VSHADOW_ROWS */
    fp_range_t *deps;  /* program and weight bytes read */
    uint32_t ndeps;
    uint64_t counters[MICA_NUM_COUNTERS];
    uint64_t last_run; /* sequence number of its last translated run */
} fp_prog_t;

struct mica_fp_cache {
    fp_prog_t *progs;
    uint32_t n, cap;
    uint64_t run_seq, materialized_seq;
    fp_range_t box; /* bounding box of every translation's deps */
    int kernels;    /* the fastest integer kernels allowed: FP_KERNELS_* (tests of the others) */
};

/* Growable arrays: capacity is implicit, the next power of 2 >= 8 above the count. */
static inline int grow(void **p, uint32_t n, size_t elem) {
    if (n & (n - 1) || (n && n < 8))
        return 0;
    void *q = realloc(*p, (n ? 2 * (size_t)n : 8) * elem);
    if (!q)
        return -1;
    *p = q;
    return 0;
}
#define PUSH(arr, n, val)                                                                          \
    (grow((void **)&(arr), (n), sizeof *(arr)) ? -1 : ((arr)[(n)++] = (val), 0))

/* Where output pixel t of a MATMUL reads its ASPAD row, or -1 for padding (outside the tile). */
static inline int64_t mica_fp_pixel_row(const mica_fm_matmul_t *d, uint32_t oy, uint32_t ox) {
    int64_t iy = (int64_t)oy * d->sy + d->off_y, ix = (int64_t)ox * d->sx + d->off_x;
    return iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w
               ? -1
               : (int64_t)d->aspad + iy * d->in_w + ix;
}

static inline int mica_fp_overlaps(const fp_range_t *r, uint64_t lo, uint64_t hi) {
    return lo < r->hi && r->lo < hi;
}

/* func_vector.c, the vector unit. DWCONV: N taps D (one output shape; weights W: N x LANES int16,
 * LANES = min(ROWS, COLS)), MAX = the mode, ACC rows into OUT (row t at out + t * stride). CACHE
 * (N slots, NULL-initialized; or NULL): each pass's constants, made on the first run and kept
 * (free each slot). */
struct dw_pass;
void mica_fp_dw_free(struct dw_pass *x); /* a kept pass (dwp) and its padded tile */
void mica_fp_dw_taps(mica_fm_t *m, const mica_fm_matmul_t *d, const int16_t *w, uint32_t n, int max,
                     int accumulate, int32_t *out, size_t stride, struct dw_pass **cache);
/* RESCALE: its result for each input byte (q[uint8 x]), and its fields for the vector arithmetic
 * (simd: that arithmetic gave q for all 256 bytes, 1 in AVX2, 2 in AVX-512 as well); ROWS ASPAD rows
 * from ASPAD into OUT. */
typedef struct fp_rescale {
    int32_t q[256];
    int32_t z, left, mult, right, simd;
} fp_rescale_t;
void mica_fp_rescale_table(const mica_instr_t *in, fp_rescale_t *tab);
void mica_fp_rescale_rows(const mica_fm_t *m, uint32_t aspad, uint32_t rows,
                          const fp_rescale_t *tab, int accumulate, int32_t *out, size_t stride);

void mica_fp_prog_free(fp_prog_t *P);
fp_prog_t *mica_fp_find(struct mica_fp_cache *c, uint32_t addr, uint32_t len);
/* func_gemm_i16.c: the AVX2 int16 GEMM (T > 1, N a multiple of 8, this CPU has AVX2: usable). */
int mica_fp_i16_usable(uint32_t N);
#define I16_MR 6 /* its pixels per register block: operand rows are T rounded up to a multiple */
static inline uint32_t mica_fp_i16_rows(uint32_t t) {
    return (t + I16_MR - 1) / I16_MR * I16_MR;
}
/* Runs it: gathers (or converts the image) and multiplies, into out. */
void mica_fp_gemm_i16(const mica_fm_t *m, const fp_gemm_t *g, uint32_t T, uint32_t N);

/* func_gemm_vnni512.c: the AVX-512 VNNI GEMM (T > 1) and GEMV (T = 1) on the AVX-VNNI operands
 * (a8, wt, corr); usable where the CPU has AVX-512 VNNI, preferred there over the 256-bit ones. */
int mica_fp_vnni512_usable(void);
#define V5_MR 12 /* its pixels per register block (x 2 vectors of 16 outputs: 24 of 32 registers) */
/* The VNNI paths' operand rows: T rounded up to a multiple of V5_MR (and so of func_plan.c's 4). */
static inline uint32_t mica_fp_vnni_rows(uint32_t t) {
    return (t + V5_MR - 1) / V5_MR * V5_MR;
}
void mica_fp_gemm_vnni512(fp_gemm_t *g, uint32_t T, uint32_t N);
/* The same reading img8 through pix (func_pack.c), converting the image first. */
void mica_fp_gemm_vnni512_indirect(const mica_fm_t *m, fp_gemm_t *g, uint32_t T, uint32_t N);
void mica_fp_gemv_vnni512(fp_gemm_t *g, uint32_t N);

/* A first layer's packed taps (kidx, ROWS = 16) grouped by tile for the pixel-by-pixel gathers
 * (func_plan.c's u8, func_gemm_i16.c's int16): segment s is lanes [start[s], start[s+1]) of tile
 * d[s], sh[s] the byte shuffle that picks them from a 16-lane ASPAD row (unused bytes `fill`).
 * Returns the segment count (<= kc). */
static inline uint32_t mica_fp_lane_segments(const fp_gemm_t *g, uint8_t fill, uint32_t *start,
                                             const mica_fm_matmul_t **d, uint8_t (*sh)[16]) {
    uint32_t nseg = 0;
    for (uint32_t i = 0, e; i < g->kc; i = e, nseg++) {
        uint32_t j = g->kidx[i] / 16;
        memset(sh[nseg], fill, 16);
        for (e = i; e < g->kc && g->kidx[e] < (j + 1) * 16; e++)
            sh[nseg][e - i] = (uint8_t)(g->kidx[e] - j * 16);
        start[nseg] = i;
        d[nseg] = &g->gathers[j];
    }
    return nseg;
}

/* The ASPAD row each segment reads for output row oy; NULL where it falls in the padding. */
static inline void mica_fp_segment_lines(const mica_fm_t *m, const mica_fm_matmul_t **d,
                                         uint32_t nseg, uint32_t oy, const int8_t **line) {
    for (uint32_t s = 0; s < nseg; s++) {
        int64_t iy = (int64_t)oy * d[s]->sy + d[s]->off_y;
        line[s] = iy < 0 || iy >= d[s]->in_h
                      ? NULL
                      : m->ref->aspad + ((size_t)d[s]->aspad + (size_t)iy * d[s]->in_w) * 16;
    }
}

/* func_pack.c: a GEMM's or a vector group's operands, packed once. 0, or -1 (out of memory). */
int mica_fp_pack(mica_fm_t *m, fp_gemm_t *g);
int mica_fp_pack_vector(mica_fm_t *m, fp_gemm_t *g);

#endif
