/* CRC-32 (IEEE 802.3, zlib's crc32: reflected polynomial 0xEDB88320, initial value and final xor
 * 0xFFFFFFFF): the program file's checksum and the host link's frame check sequence. */
#ifndef MICA_CRC32_H
#define MICA_CRC32_H
#include <stddef.h>
#include <stdint.h>

#define MICA_CRC32_INIT 0xFFFFFFFFu

/* Feeds n bytes into a running CRC (start at MICA_CRC32_INIT); the CRC is ~state at the end. */
uint32_t mica_crc32_update(uint32_t state, const void *bytes, size_t n);

/* The CRC-32 of one buffer. */
uint32_t mica_crc32(const void *bytes, size_t n);

#endif
