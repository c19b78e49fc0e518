/* Parsing and validation of a .mica program binary (see mica_program.h). */
#ifndef MICA_PROGRAM_PARSE_H
#define MICA_PROGRAM_PARSE_H
#include <stddef.h>
#include <stdint.h>
#include "mica_program.h"

typedef struct {
    mica_prog_header_t hdr;
    const uint8_t *image;
    mica_prog_tensor_t *tensors;
    mica_prog_step_t *steps;
    uint32_t *inputs, *outputs;
    const uint8_t *params;
    uint8_t *blob;               /* owned copy of the file */
} mica_program_t;

/* Copies bytes, validates every offset, count and index. 0, or -1 with a one-line message. */
int mica_program_parse(const void *bytes, size_t len, mica_program_t *out, char *err, size_t errlen);
void mica_program_free(mica_program_t *p);

/* CRC-32 of a program file with its checksum field read as zero (mica_program.h). */
uint32_t mica_program_checksum(const void *bytes, size_t len);
/* Writes file_size and checksum into a program file's header (len >= the header size): the
 * compiler's last step, and what tests do after editing a program on purpose. */
void mica_program_seal(void *bytes, size_t len);

#endif
