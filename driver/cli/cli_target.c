/* --array RxC, --board NAME, --config FILE: the configuration `mica compile` and `mica verify`
 * target. A board is hw/boards/NAME.json in the source tree (MICA_BOARDS_DIR overrides). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "board_config.h"
#include "compiler.h"
#include "mica_escape.h"
#include "mica_control.h"

#ifndef MICA_SOURCE_DIR
#define MICA_SOURCE_DIR "."
#endif

static int board_name_ok(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 32)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

int cli_parse_target(const char *cmd, int argc, char **argv, int *i, cli_target_t *t) {
    if (!strcmp(argv[*i], "--while-limit") && *i + 1 < argc) {
        long long n;
        if (cli_parse_count(cmd, "--while-limit", argv[++*i], 1, MICA_WHILE_LIMIT_MAX, &n))
            return -1;
        t->while_limit = (uint32_t)n;
        return 1;
    }
    const char *opt = argv[*i], **slot = !strcmp(opt, "--array")    ? &t->array
                                         : !strcmp(opt, "--board")  ? &t->board
                                         : !strcmp(opt, "--config") ? &t->config
                                                                    : NULL;
    if (!slot || *i + 1 >= argc)
        return 0;
    const char *v = argv[++*i];
    char shown[80];
    if (slot == &t->board && !board_name_ok(v)) {
        fprintf(stderr,
                "%s %s: --board '%s' is not a board name (a-z, 0-9, '_', '-'; e.g. "
                "icebreaker, ulx3s)\n",
                cli_prog, cmd, mica_escape_name(v, shown, sizeof shown));
        return -1;
    }
    *slot = v;
    if (!!t->array + !!t->board + !!t->config > 1) {
        fprintf(stderr, "%s %s: give one of --array, --board and --config\n", cli_prog, cmd);
        return -1;
    }
    return 1;
}

const char *cli_default_tech_path(void) {
    const char *env = getenv("MICA_TECH");
    return env && env[0] ? env : MICA_SOURCE_DIR "/hw/energy/45nm.json";
}

int cli_load_target(const cli_target_t *t, mica_board_cfg_t *board, mica_compile_opts_t *o) {
    char path[512], err[600], shown[640];
    if (t->board) {
        const char *dir = getenv("MICA_BOARDS_DIR");
        snprintf(path, sizeof path, "%s/%s.json", dir ? dir : MICA_SOURCE_DIR "/hw/boards",
                 t->board);
    } else {
        snprintf(path, sizeof path, "%s", t->config);
    }
    if (mica_board_config_load(path, board, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", cli_prog, mica_escape_name(err, shown, sizeof shown));
        return -1;
    }
    o->hw = board->hw;
    if (board->mem_latency)
        o->mem_latency = board->mem_latency;
    o->partition.config_name = board->name;
    return 0;
}
