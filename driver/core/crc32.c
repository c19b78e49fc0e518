/* CRC-32 (mica_crc32.h), four bits per table lookup: a 64-byte table of constants instead of a
 * 1 KB one built at run time, so it needs no initialisation and fits firmware. */
#include "mica_crc32.h"

/* Entry i is the register after shifting nibble i through the reflected polynomial 0xEDB88320
 * four times (tests/unit/test_link_frame.c checks it against the bitwise definition). */
static const uint32_t nibble_table[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t mica_crc32_update(uint32_t state, const void *bytes, size_t n) {
    const uint8_t *p = bytes;
    for (size_t i = 0; i < n; i++) {
        state ^= p[i];
        state = nibble_table[state & 0xFu] ^ (state >> 4);
        state = nibble_table[state & 0xFu] ^ (state >> 4);
    }
    return state;
}

uint32_t mica_crc32(const void *bytes, size_t n) {
    return ~mica_crc32_update(MICA_CRC32_INIT, bytes, n);
}
