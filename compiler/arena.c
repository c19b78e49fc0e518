/* Activation memory planning: tensors whose lifetimes do not overlap share arena bytes.
 * Lifetime of a tensor = [op that produces it, last op that reads it] (model inputs from -1,
 * model outputs to the end). Greedy by size: the largest tensor is placed first at the lowest
 * 16-byte aligned offset that does not collide with a placed tensor alive at the same time.
 * An op's inputs and outputs are alive together, so no op ever overwrites its own input. */
#include <stdlib.h>
#include "arena.h"

typedef struct {
    int64_t first, last;
    uint64_t bytes, offset;
    int index;
} slot_t;

static int by_size_desc(const void *a, const void *b) {
    const slot_t *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    return x->index - y->index; /* deterministic */
}

static int overlap_life(const slot_t *a, const slot_t *b) {
    return a->first <= b->last && b->first <= a->last;
}

/* Lowest offset >= 0 where s fits between the placed slots it shares a lifetime with. */
static uint64_t lowest_fit(const slot_t *placed, int n, const slot_t *s) {
    uint64_t off = 0;
    for (int moved = 1; moved;) {
        moved = 0;
        for (int i = 0; i < n; i++) {
            const slot_t *p = &placed[i];
            if (!overlap_life(p, s))
                continue;
            if (off < p->offset + p->bytes && p->offset < off + s->bytes) {
                off = (p->offset + p->bytes + 15) & ~15ull;
                moved = 1;
            }
        }
    }
    return off;
}

uint64_t mica_plan_arena(const mica_arena_item_t *items, int n, uint64_t *offsets) {
    slot_t *s = malloc(sizeof(slot_t) * (size_t)(n > 0 ? n : 1));
    if (!s)
        return UINT64_MAX;
    for (int i = 0; i < n; i++) {
        s[i].first = items[i].first;
        s[i].last = items[i].last;
        s[i].bytes = items[i].bytes;
        s[i].index = i;
        s[i].offset = 0;
    }
    qsort(s, (size_t)n, sizeof *s, by_size_desc);
    uint64_t size = 0;
    for (int i = 0; i < n; i++) {
        s[i].offset = lowest_fit(s, i, &s[i]);
        offsets[s[i].index] = s[i].offset;
        if (s[i].offset + s[i].bytes > size)
            size = s[i].offset + s[i].bytes;
    }
    free(s);
    return (size + 15) & ~15ull;
}
