/* The runtime core's port on MPS2 AN386 (include/mica_port.h): memory from a pool in PSRAM (no
 * malloc), the clock from timer 0, no file system. */
#include <string.h>
#include "mica_fmt.h"
#include "mica_port.h"
#include "mps2.h"

/* The pool: blocks stacked upwards, each after an 8-byte header {size, in use}. Freeing the top
 * block gives it back at once (and any free blocks below it); the runtime frees in reverse order
 * of allocation, so nothing stays stranded. */
extern uint8_t __pool_start[], __pool_end[];
static size_t pool_top, pool_peak;

typedef struct {
    uint32_t bytes, used;
} block_t;

void *mica_port_alloc(size_t bytes) {
    size_t need = sizeof(block_t) + ((bytes + 7u) & ~(size_t)7u);
    size_t room = (size_t)(__pool_end - __pool_start);
    if (need < bytes || need > room - pool_top)
        return NULL;
    block_t *b = (block_t *)(void *)(__pool_start + pool_top);
    b->bytes = (uint32_t)need;
    b->used = 1;
    pool_top += need;
    pool_peak = pool_top > pool_peak ? pool_top : pool_peak;
    memset(b + 1, 0, need - sizeof *b);
    return b + 1;
}

/* The block that ends at offset end, or NULL (blocks are walked from the bottom). */
static block_t *block_ending_at(size_t end) {
    for (size_t at = 0; at < end;) {
        block_t *b = (block_t *)(void *)(__pool_start + at);
        if (at + b->bytes == end)
            return b;
        at += b->bytes;
    }
    return NULL;
}

void mica_port_free(void *p) {
    if (!p)
        return;
    ((block_t *)p - 1)->used = 0;
    for (block_t *top; pool_top && (top = block_ending_at(pool_top)) && !top->used;)
        pool_top -= top->bytes;
}

size_t mps2_pool_peak(void) {
    return pool_peak;
}

uint64_t mica_port_time_ns(void) {
    return mps2_now_ns();
}

int mica_port_read_file(const char *path, size_t max_bytes, uint8_t **out, size_t *len,
                        int *too_big, char *err, size_t errlen) {
    (void)path, (void)max_bytes, (void)out, (void)len;
    *too_big = 0;
    mica_snprintf(err, errlen, "no file system on this MCU: link the model in (mica compile --emit-c)");
    return -1;
}
