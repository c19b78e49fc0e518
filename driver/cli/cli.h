/* The `mica` command: compile, run, verify. */
#ifndef MICA_CLI_H
#define MICA_CLI_H
#include <signal.h>
#include <stdint.h>
#include "mica.h"
#include "mica_backend.h"
#include "mica_escape.h"
#include "board_config.h"
#include "compiler.h"

int cli_compile(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_disasm(int argc, char **argv); /* cli_disasm.c */
int cli_energy(int argc, char **argv); /* cli_energy.c: per-layer energy, estimate vs counters */
int cli_board(int argc, char **argv);  /* cli_board.c: flash, probe, memtest */
int cli_sweep(int argc, char **argv);  /* cli_sweep.c: runs hw/study/sweep.py */
/* cli_emit_c.c: the program file as constant C data (STEM.c + STEM.h) for firmware. */
int cli_emit_c(const char *program, const char *model, const char *c_path);

/* Shared helpers (cli_common.c). */
/* What to compile for: --array RxC, --board NAME (hw/boards/NAME.json) or --config FILE. */
typedef struct {
    const char *array, *board, *config;
    uint32_t while_limit; /* --while-limit N (0: the default) */
} cli_target_t;
int cli_compile_to_file(const char *model, const char *out, const cli_target_t *target,
                        const char *cpu_ops, int quiet);
/* Parses --array / --board / --config / --while-limit at argv[*i] into t (advancing *i): 1 if it
 * was one of them, 0 if not, -1 on a bad value (message printed). */
int cli_parse_target(const char *cmd, int argc, char **argv, int *i, cli_target_t *t);
/* Reads the --board / --config description into board and points o at it: 0, or -1 (printed). */
int cli_load_target(const cli_target_t *t, mica_board_cfg_t *board, mica_compile_opts_t *o);
/* The default energy table: MICA_TECH (a file) if set, else hw/energy/45nm.json in the source
 * tree. */
const char *cli_default_tech_path(void);

int cli_ops(int argc, char **argv);
void cli_tune_openblas(char **argv);
mica_ctx_t *cli_open_and_load(const char *backend, const char *program);
void cli_fill_random(int8_t *dst, size_t n, uint64_t *state);
/* Random values for tensor ti: bytes for int8; for a float32 input, values across the range its
 * QUANTIZE maps to int8 and a little beyond (with exact half steps, which round away). */
void cli_fill_input(const mica_tensor_info_t *ti, void *dst, size_t count, uint64_t *state);
/* The .npy dtype of a program tensor ('b' int8, 'f' float32, 'i' int32, 'l' int64). */
char cli_npy_dtype(const mica_tensor_info_t *ti);
void cli_print_layers(mica_ctx_t *ctx);
extern const char *cli_prog;

/* Strict arguments (options.h): one line naming the option and the valid range on failure. */
int cli_parse_count(const char *cmd, const char *opt, const char *text, long long min,
                    long long max, long long *out);
int cli_parse_array(const char *cmd, const char *text, mica_hw_config_t *hw);
int cli_check_cpu_ops(const char *cmd, const char *list);
int cli_unexpected(const char *cmd, const char *arg);
void cli_report_ctx(const char *cmd,
                    const mica_ctx_t *ctx); /* mica_last_error, escaped, one line */
char *cli_concat(const char *a, const char *b, const char *c); /* malloc'd a+b+c */
int cli_same_file(const char *a, const char *b);

/* cli_proc.c: no shell anywhere. Runs argv (PATH search, no shell), its stderr into stderr_path
 * when given, killed after timeout_s. Exit status of the child, or -1 with err. */
int cli_spawn_wait(char *const argv[], const char *stderr_path, double timeout_s, char *err,
                   size_t errlen);
int cli_remove_tree(const char *dir);
/* The Python with LiteRT and numpy: $PYTHON, else the one recorded when mica was built, else
 * python3 (the oracle of verify, the driver of sweep). */
const char *cli_python(void);
/* SIGINT/SIGTERM/SIGHUP set cli_interrupted instead of killing the process, so a long command
 * stops at the next sample or child-process poll and still removes its temporary files. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_interrupts(void);
#endif
