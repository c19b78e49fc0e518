/* The C emitter of compiled programs (mcu_emit.c). */
#ifndef MICA_MCU_EMIT_H
#define MICA_MCU_EMIT_H
#include <stdio.h>
#include "mica_program.h"

/* Writes p as STEM.c text to c and its declaration to h; sym is the C identifier, model the
 * source named in the comment. 0, or -1 on a write error. */
int mica_emit_c(FILE *c, FILE *h, const mica_program_t *p, const char *sym, const char *model);
/* The identifier for a file name: its stem, other bytes as '_'. 0, or -1 if none fits. */
int mica_emit_symbol(const char *path, char *sym, size_t n);

#endif
