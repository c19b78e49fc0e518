/* Energy technology tables (hw/energy/<node>.json, or a user's file given with --tech) as the
 * plain struct the runtime core's energy model takes (include/mica_energy.h). */
#ifndef MICA_ENERGY_TECH_H
#define MICA_ENERGY_TECH_H
#include <stddef.h>
#include "mica_energy.h"

#define MICA_TECH_MAX_BYTES 65536u /* larger files are refused */

/* Parses a table (WHAT names it in errors): 0, or -1 with a one-line err naming the key, the
 * value and what is allowed. Every energy key is required, as {"value": number >= 0, "source":
 * "where the number comes from"}; "name" and "node_nm" are required; keys starting with '_' are
 * documentation; any other key is refused. */
int mica_energy_tech_parse(const char *text, size_t len, const char *what, mica_energy_tech_t *out,
                           char *err, size_t errlen);
int mica_energy_tech_load(const char *path, mica_energy_tech_t *out, char *err, size_t errlen);

#endif
