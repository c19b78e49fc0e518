/* Test-only forward FlatBuffers writer; see test_fb_builder.h. */
#include "test_fb_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void need(tb_t *b, size_t n) {
    if (b->len + n > sizeof b->buf) {
        fprintf(stderr, "test builder overflow\n");
        exit(2);
    }
}

static void align4(tb_t *b) {
    while (b->len & 3)
        b->buf[b->len++] = 0;
}

void tb_put32(tb_t *b, size_t pos, uint32_t v) {
    for (int i = 0; i < 4; i++)
        b->buf[pos + i] = (uint8_t)(v >> (8 * i));
}

static void put(tb_t *b, size_t pos, int size, uint64_t v) {
    for (int i = 0; i < size; i++)
        b->buf[pos + i] = (uint8_t)(v >> (8 * i));
}

void tb_init(tb_t *b, const char *ident) {
    memset(b, 0, sizeof *b);
    b->len = 4;
    if (ident) {
        memcpy(b->buf + 4, ident, 4);
        b->len = 8;
    }
}

size_t tb_table(tb_t *b, int nfields) {
    align4(b);
    size_t vt_size = 4 + 2 * (size_t)nfields, tbl_size = 4 + 8 * (size_t)nfields;
    need(b, vt_size + 4 + tbl_size);
    size_t vt = b->len;
    put(b, vt, 2, vt_size);
    put(b, vt + 2, 2, tbl_size);
    b->len += vt_size;
    align4(b);
    size_t t = b->len;
    tb_put32(b, t, (uint32_t)(t - vt)); /* soffset: vtable is before the table */
    b->len += tbl_size;
    return t;
}

static size_t vt_of(const tb_t *b, size_t table) {
    int32_t soff = (int32_t)(b->buf[table] | b->buf[table + 1] << 8 | b->buf[table + 2] << 16 |
                             (uint32_t)b->buf[table + 3] << 24);
    return (size_t)((int64_t)table - soff);
}

static size_t slot(tb_t *b, size_t table, int id) {
    size_t vt = vt_of(b, table);
    put(b, vt + 4 + 2 * (size_t)id, 2, 4 + 8 * (uint64_t)id);
    return table + 4 + 8 * (size_t)id;
}

size_t tb_field_pos(const tb_t *b, size_t table, int id) {
    size_t vt = vt_of(b, table);
    size_t off = b->buf[vt + 4 + 2 * id] | (size_t)b->buf[vt + 5 + 2 * id] << 8;
    return off ? table + off : 0;
}

void tb_scalar(tb_t *b, size_t table, int id, int size, uint64_t value) {
    put(b, slot(b, table, id), size, value);
}

void tb_float(tb_t *b, size_t table, int id, float value) {
    uint32_t bits;
    memcpy(&bits, &value, 4);
    tb_scalar(b, table, id, 4, bits);
}

void tb_ref(tb_t *b, size_t table, int id, size_t target) {
    size_t pos = slot(b, table, id);
    tb_put32(b, pos, (uint32_t)(target - pos));
}

size_t tb_vec(tb_t *b, int elem_size, uint32_t count, const void *elems) {
    align4(b);
    size_t n = (size_t)elem_size * count;
    need(b, 4 + n + 1);
    size_t v = b->len;
    tb_put32(b, v, count);
    if (n && elems)
        memcpy(b->buf + v + 4, elems, n);
    b->len += 4 + n;
    return v;
}

size_t tb_vec_refs(tb_t *b, uint32_t count) {
    return tb_vec(b, 4, count, NULL);
}

void tb_vec_ref(tb_t *b, size_t vec, uint32_t i, size_t target) {
    size_t pos = vec + 4 + 4 * (size_t)i;
    tb_put32(b, pos, (uint32_t)(target - pos));
}

size_t tb_string(tb_t *b, const char *s) {
    size_t v = tb_vec(b, 1, (uint32_t)strlen(s), s);
    b->buf[b->len++] = 0; /* terminator, as real writers emit */
    return v;
}

void tb_root(tb_t *b, size_t table) {
    tb_put32(b, 0, (uint32_t)table);
}
