/* The reference interpreter with its memories from malloc (firmware calls mica_isa_ref_init on
 * static buffers instead): the state with the on-chip memories, and external memory on its own. */
#include <stdlib.h>
#include "mica_isa_ref.h"

mica_isa_ref_t *mica_isa_ref_new(const mica_hw_config_t *cfg, uint64_t mem_bytes) {
    size_t chip = mica_isa_ref_buffer_bytes(cfg),
           head = (sizeof(mica_isa_ref_t) + 15) & ~(size_t)15;
    if (!chip || mem_bytes > (size_t)-1 / 4 || chip > (size_t)-1 / 4)
        return NULL;
    uint8_t *block = calloc(1, head + chip), *mem = calloc(mem_bytes ? (size_t)mem_bytes : 1, 1);
    if (!block || !mem) {
        free(block);
        free(mem);
        return NULL;
    }
    mica_isa_ref_t *s = (mica_isa_ref_t *)block;
    mica_isa_ref_init(s, cfg, mem, mem_bytes, block + head);
    return s;
}

void mica_isa_ref_free(mica_isa_ref_t *s) {
    if (!s)
        return;
    free(s->mem);
    free(s);
}
