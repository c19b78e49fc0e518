/* The porting layer: the little the runtime core (libmica_core.a) needs from its platform, so the
 * core itself makes no operating-system call and uses no malloc or stdio. driver/port/port_posix.c
 * implements it for Linux and macOS (it is part of libmica.a); firmware/ supplies its own
 * (a static pool, a millisecond timer, no files). */
#ifndef MICA_PORT_H
#define MICA_PORT_H
#include <stddef.h>
#include <stdint.h>

/* A monotonic clock in nanoseconds, for the per-step wall times of mica_layer_info (0 if none). */
uint64_t mica_port_time_ns(void);

/* Zeroed memory for the runtime's own tables (a context, a program's copy, per-step figures, the
 * CPU steps' operands), allocated when a program loads and freed when it unloads; NULL when none
 * is left. mica_port_free(NULL) does nothing. */
void *mica_port_alloc(size_t bytes);
void mica_port_free(void *p);

/* Reads a whole program file into a buffer from mica_port_alloc (the caller frees it with
 * mica_port_free; firmware without files returns -1 saying so). Must refuse what
 * is not a regular file and anything above max_bytes before reading it. 0, or -1 with a one-line
 * message in err and *too_big set when the size was the reason. */
int mica_port_read_file(const char *path, size_t max_bytes, uint8_t **out, size_t *len,
                        int *too_big, char *err, size_t errlen);

#endif
