/* The reference interpreter with its memories from the port's allocator (mica_port_alloc, zeroed;
 * or mica_isa_ref_init on the caller's buffers): the state with the on-chip memories, and
 * external memory on its own. */
#include "mica_isa_ref.h"
#include "mica_port.h"

mica_isa_ref_t *mica_isa_ref_new(const mica_hw_config_t *cfg, uint64_t mem_bytes) {
    size_t chip = mica_isa_ref_buffer_bytes(cfg),
           head = (sizeof(mica_isa_ref_t) + 15) & ~(size_t)15;
    if (!chip || mem_bytes > (size_t)-1 / 4 || chip > (size_t)-1 / 4)
        return NULL;
    uint8_t *block = mica_port_alloc(head + chip), *mem = mica_port_alloc((size_t)mem_bytes);
    if (!block || !mem) {
        mica_port_free(block);
        mica_port_free(mem);
        return NULL;
    }
    mica_isa_ref_t *s = (mica_isa_ref_t *)block;
    mica_isa_ref_init(s, cfg, mem, mem_bytes, block + head);
    return s;
}

void mica_isa_ref_free(mica_isa_ref_t *s) {
    if (!s)
        return;
    mica_port_free(s->mem);
    mica_port_free(s);
}
