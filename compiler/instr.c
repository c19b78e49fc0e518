#include "instr.h"

int mica_instr_load(mica_builder_t *b, const char *layer, uint32_t target, const mica_rows_t *r,
                    uint32_t col, int32_t fill, mica_instr_t *out) {
    mica_load_fields_t f = {.target = target,
                            .col = col,
                            .mem_addr = r->row,
                            .rows = r->rows,
                            .len = r->len,
                            .ext_addr = r->ext_addr,
                            .ext_stride = r->ext_stride,
                            .fill = fill};
    return MICA_ENCODE(b, layer, load, &f, out);
}

int mica_instr_store(mica_builder_t *b, const char *layer, const mica_requant_t *q,
                     const mica_rows_t *r, uint32_t param_set, mica_instr_t *out) {
    return mica_instr_store_to(b, layer, q, r, param_set, MICA_STORE_TARGET_EXT, out);
}

int mica_instr_store_to(mica_builder_t *b, const char *layer, const mica_requant_t *q,
                        const mica_rows_t *r, uint32_t param_set, uint32_t target,
                        mica_instr_t *out) {
    mica_store_fields_t f = {.round = q->round,
                             .target = target,
                             .acc_addr = r->row,
                             .rows = r->rows,
                             .len = r->len,
                             .param_set = param_set,
                             .ext_addr = r->ext_addr,
                             .ext_stride = r->ext_stride,
                             .z_out = q->z_out,
                             .act_min = q->act_min,
                             .act_max = q->act_max};
    return MICA_ENCODE(b, layer, store, &f, out);
}

int mica_instr_end(mica_instr_t *out) {
    mica_end_fields_t f = {0};
    return mica_end_encode(&f, out, NULL);
}
