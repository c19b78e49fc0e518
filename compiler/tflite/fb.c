/* Bounds-checked FlatBuffers primitives; see fb.h for the rules they enforce. */
#include "fb.h"

#include <stdarg.h>
#include <stdio.h>

uint16_t fb_le16(const uint8_t *p) {
    return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t fb_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint64_t fb_le64(const uint8_t *p) {
    return (uint64_t)fb_le32(p) | ((uint64_t)fb_le32(p + 4) << 32);
}

int fb_failf(fb_ctx_t *fb, const char *fmt, ...) {
    if (fb->failed)
        return -1;
    fb->failed = 1;
    if (fb->err && fb->errlen) {
        size_t n = 0;
        if (fb->where[0]) {
            int w = snprintf(fb->err, fb->errlen, "%s: ", fb->where);
            n = (w < 0) ? 0 : ((size_t)w < fb->errlen ? (size_t)w : fb->errlen - 1);
        }
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(fb->err + n, fb->errlen - n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int fb_fail(fb_ctx_t *fb, const char *field, const char *problem, uint64_t off) {
    return fb_failf(fb, "%s%s%s (offset 0x%llx)", field, field[0] ? " " : "", problem,
                    (unsigned long long)off);
}

/* True when [pos, pos+n) lies inside the buffer. Both operands are < 2^63 here. */
static int in_bounds(const fb_ctx_t *fb, uint64_t pos, uint64_t n) {
    return pos <= fb->len && n <= fb->len - pos;
}

int fb_table_at_ref(fb_ctx_t *fb, uint64_t ref, const char *field, fb_table_t *out) {
    if (!in_bounds(fb, ref, 4))
        return fb_fail(fb, field, "offset runs past end of file", ref);
    uint64_t pos = ref + fb_le32(fb->buf + ref);
    if (!in_bounds(fb, pos, 4))
        return fb_fail(fb, field, "table starts past end of file", pos);
    int64_t vt = (int64_t)pos - (int64_t)(int32_t)fb_le32(fb->buf + pos);
    if (vt < 0 || !in_bounds(fb, (uint64_t)vt, 4))
        return fb_fail(fb, field, "vtable lies outside the file", pos);
    out->pos = pos;
    out->vt = (uint64_t)vt;
    out->vt_size = fb_le16(fb->buf + vt);
    out->tbl_size = fb_le16(fb->buf + vt + 2);
    if (out->vt_size < 4 || (out->vt_size & 1))
        return fb_fail(fb, field, "vtable has an invalid size", out->vt);
    if (!in_bounds(fb, out->vt, out->vt_size))
        return fb_fail(fb, field, "vtable runs past end of file", out->vt);
    if (out->tbl_size < 4 || !in_bounds(fb, pos, out->tbl_size))
        return fb_fail(fb, field, "table runs past end of file", pos);
    return 0;
}

int fb_field_pos(fb_ctx_t *fb, const fb_table_t *t, int id, uint32_t size, const char *field,
                 uint64_t *pos) {
    *pos = 0;
    if (id < 0 || (uint64_t)4 + 2u * (uint64_t)id + 2 > t->vt_size)
        return 0; /* older writer */
    uint32_t off = fb_le16(fb->buf + t->vt + 4 + 2 * (uint64_t)id);
    if (off == 0)
        return 0;
    if ((uint64_t)off + size > t->tbl_size)
        return fb_fail(fb, field, "field lies outside its table", t->pos + off);
    *pos = t->pos + off;
    return 0;
}

int fb_scalar(fb_ctx_t *fb, const fb_table_t *t, int id, uint32_t size, const char *field,
              uint64_t *raw, int *present) {
    uint64_t pos;
    *present = 0;
    if (fb_field_pos(fb, t, id, size, field, &pos))
        return -1;
    if (!pos)
        return 0;
    const uint8_t *p = fb->buf + pos;
    switch (size) {
    case 1:
        *raw = p[0];
        break;
    case 2:
        *raw = fb_le16(p);
        break;
    case 4:
        *raw = fb_le32(p);
        break;
    default:
        *raw = fb_le64(p);
        break;
    }
    *present = 1;
    return 0;
}

int fb_get_int(fb_ctx_t *fb, const fb_table_t *t, int id, uint32_t size, int is_signed,
               int64_t dflt, const char *field, int64_t *out) {
    uint64_t raw = 0;
    int present;
    *out = dflt;
    if (fb_scalar(fb, t, id, size, field, &raw, &present))
        return -1;
    if (!present)
        return 0;
    if (is_signed && size < 8) {
        uint64_t sign = (uint64_t)1 << (size * 8 - 1);
        *out = (int64_t)((raw ^ sign) - sign); /* portable sign extension */
    } else {
        *out = (int64_t)raw;
    }
    return 0;
}

int fb_subtable(fb_ctx_t *fb, const fb_table_t *t, int id, const char *field, fb_table_t *out,
                int *present) {
    uint64_t pos;
    *present = 0;
    if (fb_field_pos(fb, t, id, 4, field, &pos))
        return -1;
    if (!pos)
        return 0;
    if (fb_table_at_ref(fb, pos, field, out))
        return -1;
    *present = 1;
    return 0;
}

int fb_vector(fb_ctx_t *fb, const fb_table_t *t, int id, uint32_t elem_size, uint32_t max_count,
              const char *field, fb_vec_t *out, int *present) {
    uint64_t ref;
    out->pos = 0;
    out->count = 0;
    *present = 0;
    if (fb_field_pos(fb, t, id, 4, field, &ref))
        return -1;
    if (!ref)
        return 0;
    uint64_t vpos = ref + fb_le32(fb->buf + ref);
    if (!in_bounds(fb, vpos, 4))
        return fb_fail(fb, field, "vector starts past end of file", vpos);
    uint32_t count = fb_le32(fb->buf + vpos);
    if (count > max_count)
        return fb_failf(fb, "%s vector has %lu elements, limit is %lu (offset 0x%llx)", field,
                        (unsigned long)count, (unsigned long)max_count, (unsigned long long)vpos);
    if (!in_bounds(fb, vpos + 4, (uint64_t)count * elem_size))
        return fb_fail(fb, field, "vector runs past end of file", vpos);
    out->pos = vpos + 4;
    out->count = count;
    *present = 1;
    return 0;
}

int fb_vec_table(fb_ctx_t *fb, const fb_vec_t *v, uint32_t i, const char *field, fb_table_t *out) {
    if (i >= v->count)
        return fb_fail(fb, field, "vector index out of range", v->pos);
    return fb_table_at_ref(fb, v->pos + 4 * (uint64_t)i, field, out);
}

int fb_string(fb_ctx_t *fb, const fb_table_t *t, int id, uint32_t max_len, const char *field,
              const uint8_t **s, uint32_t *len) {
    fb_vec_t v;
    int present;
    *s = NULL;
    *len = 0;
    if (fb_vector(fb, t, id, 1, max_len, field, &v, &present))
        return -1;
    if (!present)
        return 0;
    *s = fb->buf + v.pos;
    *len = v.count;
    return 0;
}
