/* Test-only forward FlatBuffers writer: lays objects out in increasing address
 * order (children after the field that references them), so all uoffsets are
 * positive. Every table field gets an 8-byte slot; vtables precede tables. */
#ifndef MICA_TEST_FB_BUILDER_H
#define MICA_TEST_FB_BUILDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t buf[1 << 16];
    size_t len;
} tb_t;

void tb_init(tb_t *b, const char *ident); /* root offset slot + identifier (NULL: none) */
size_t tb_table(tb_t *b, int nfields);    /* returns table position */
void tb_scalar(tb_t *b, size_t table, int id, int size, uint64_t value);
void tb_float(tb_t *b, size_t table, int id, float value);
void tb_ref(tb_t *b, size_t table, int id, size_t target); /* target must come later */
size_t tb_vec(tb_t *b, int elem_size, uint32_t count, const void *elems); /* little-endian host */
size_t tb_vec_refs(tb_t *b, uint32_t count);
void tb_vec_ref(tb_t *b, size_t vec, uint32_t i, size_t target);
size_t tb_string(tb_t *b, const char *s);
void tb_root(tb_t *b, size_t table);
size_t tb_field_pos(const tb_t *b, size_t table, int id); /* 0 when absent */
void tb_put32(tb_t *b, size_t pos, uint32_t v);

#endif
