/* The `mica` command: compile, run, verify. */
#ifndef MICA_CLI_H
#define MICA_CLI_H
#include <stdint.h>
#include "mica.h"

int cli_compile(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_bench(int argc, char **argv);

/* Shared helpers (cli_common.c). */
int cli_compile_to_file(const char *model, const char *out, const char *array, const char *cpu_ops, int quiet);
int cli_ops(int argc, char **argv);
void cli_tune_openblas(char **argv);
mica_ctx_t *cli_open_and_load(const char *backend, const char *program);
void cli_fill_random(int8_t *dst, size_t n, uint64_t *state);
void cli_print_layers(mica_ctx_t *ctx);
extern const char *cli_prog;
#endif
