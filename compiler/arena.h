/* Arena planning by tensor lifetime (see arena.c). */
#ifndef MICA_ARENA_H
#define MICA_ARENA_H
#include <stdint.h>

typedef struct {
    int64_t first, last;
    uint64_t bytes;
} mica_arena_item_t;

/* Fills offsets[i] for each item; returns the arena size, or UINT64_MAX when out of memory. */
uint64_t mica_plan_arena(const mica_arena_item_t *items, int n, uint64_t *offsets);

#endif
