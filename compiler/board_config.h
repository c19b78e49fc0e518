/* Board descriptions (hw/boards/<name>.json): the "accelerator" object is the configuration the
 * compiler targets (`mica compile --board NAME` or `--config FILE`). */
#ifndef MICA_BOARD_CONFIG_H
#define MICA_BOARD_CONFIG_H
#include <stddef.h>
#include "mica_hw.h"

#define MICA_BOARD_MAX_BYTES 65536u /* larger files are refused */

typedef struct {
    char name[33];        /* "name" (a-z, 0-9, '_', '-'), "unnamed" if absent */
    mica_hw_config_t hw;  /* "accelerator": rows, cols, ..., req_lanes, absent: [feature names] */
    uint32_t mem_latency; /* "mem_latency": latency the cycle estimate assumes (0: default) */
    int has_accel;
    unsigned seen; /* which integer keys were given */
} mica_board_cfg_t;

/* Parses a board description (WHAT names it in errors): 0, or -1 with a one-line err. Keys of
 * "accelerator" that are not given take the hw/mica.json defaults; rows and cols are required. */
int mica_board_config_parse(const char *text, size_t len, const char *what, mica_board_cfg_t *out,
                            char *err, size_t errlen);
int mica_board_config_load(const char *path, mica_board_cfg_t *out, char *err, size_t errlen);

#endif
