/* Minimal, bounds-checked FlatBuffers decoding (read side only).
 *
 * Every access is checked against the buffer length; nothing assumes alignment
 * (bytes are assembled little-endian by hand); all offset arithmetic is done in
 * 64-bit with explicit range checks, so no overflow is possible for any input.
 * On failure a primitive returns -1 and writes one line into the context's
 * error buffer: "<where>: <field> <problem> (offset 0x...)".
 */
#ifndef MICA_FB_H
#define MICA_FB_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const uint8_t *buf;
    uint64_t len;
    char where[96]; /* entity being decoded, e.g. "tensor 12"; prefixes errors */
    char *err;
    size_t errlen;
    int failed;
} fb_ctx_t;

/* A decoded table header: position of the table and of its vtable. */
typedef struct {
    uint64_t pos;      /* start of table (the soffset to the vtable) */
    uint64_t vt;       /* start of vtable */
    uint32_t vt_size;  /* vtable size in bytes */
    uint32_t tbl_size; /* inline table size in bytes (from the vtable) */
} fb_table_t;

/* A vector: element 0 starts at pos; count elements of elem_size bytes. */
typedef struct {
    uint64_t pos;
    uint32_t count;
} fb_vec_t;

/* Little-endian loads from an unaligned address (caller guarantees bounds). */
uint16_t fb_le16(const uint8_t *p);
uint32_t fb_le32(const uint8_t *p);
uint64_t fb_le64(const uint8_t *p);

/* Records an error (first one wins) and returns -1. */
int fb_fail(fb_ctx_t *fb, const char *field, const char *problem, uint64_t off);
/* Records a free-form error with the current "where" prefix. */
int fb_failf(fb_ctx_t *fb, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The table referenced by the uoffset stored at position ref. */
int fb_table_at_ref(fb_ctx_t *fb, uint64_t ref, const char *field, fb_table_t *out);

/* Byte position of field id inside the table, or 0 when absent.
 * Returns -1 if the field would lie outside the table or the file. */
int fb_field_pos(fb_ctx_t *fb, const fb_table_t *t, int id, uint32_t size, const char *field,
                 uint64_t *pos);

/* Scalar field: *present = 0 and *raw untouched when absent. size = 1, 2, 4 or 8. */
int fb_scalar(fb_ctx_t *fb, const fb_table_t *t, int id, uint32_t size, const char *field,
              uint64_t *raw, int *present);

/* Convenience: scalar with default; sign-extends signed sizes when is_signed. */
int fb_get_int(fb_ctx_t *fb, const fb_table_t *t, int id, uint32_t size, int is_signed,
               int64_t dflt, const char *field, int64_t *out);

/* Sub-table field; *present = 0 when absent. */
int fb_subtable(fb_ctx_t *fb, const fb_table_t *t, int id, const char *field, fb_table_t *out,
                int *present);

/* Vector field with elements of elem_size bytes; absent => count 0, pos 0.
 * max_count bounds the element count (sanity limit). */
int fb_vector(fb_ctx_t *fb, const fb_table_t *t, int id, uint32_t elem_size, uint32_t max_count,
              const char *field, fb_vec_t *out, int *present);

/* Element i of a vector of tables. */
int fb_vec_table(fb_ctx_t *fb, const fb_vec_t *v, uint32_t i, const char *field, fb_table_t *out);

/* String field: pointer into the buffer and its length; absent => NULL, 0. */
int fb_string(fb_ctx_t *fb, const fb_table_t *t, int id, uint32_t max_len, const char *field,
              const uint8_t **s, uint32_t *len);

#endif
