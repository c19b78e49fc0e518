/* Disassembler: one text line per 128-bit instruction, driven by the spec's descriptor table
 * (mica_op_desc in the generated mica_isa.h), so a new field or value name needs no change here.
 * Freestanding apart from snprintf. */
#ifndef MICA_DISASM_H
#define MICA_DISASM_H
#include <stddef.h>
#include <stdint.h>
#include "mica_isa.h"

/* An instruction from its 16 little-endian bytes as stored in a program image. */
void mica_instr_from_bytes(const uint8_t bytes[MICA_INSTR_BYTES], mica_instr_t *out);

/* Writes one line (no newline) into buf, always NUL-terminated when len > 0:
 *   LOAD    wait=ARRAY|STORE target=ASPAD col=0 mem_addr=0 rows=12 len=16 ext_addr=0x1a40 ...
 * The opcode name is padded to 8 columns, wait lists unit names (0 when none), enumerated fields
 * show their value names, external addresses are in hex, a value outside the spec's legal range
 * is followed by "(illegal)". An undefined opcode prints ".word 0x<high 64 bits><low 64 bits>
 * ; illegal opcode N". Returns 0, or -1 for an undefined opcode. */
int mica_disasm_instr(const mica_instr_t *in, char *buf, size_t len);

#endif
