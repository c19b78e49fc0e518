/* The porting layer: the little the runtime core (libmica_core.a) needs from its platform, so the
 * core itself makes no operating-system call. driver/port/port_posix.c implements it for Linux and
 * macOS (it is part of libmica.a); firmware or another embedder supplies these two functions. */
#ifndef MICA_PORT_H
#define MICA_PORT_H
#include <stddef.h>
#include <stdint.h>

/* A monotonic clock in nanoseconds, for the per-step wall times of mica_layer_info (0 if none). */
uint64_t mica_port_time_ns(void);

/* Reads a whole program file into a fresh malloc'd buffer (the caller frees it). Must refuse what
 * is not a regular file and anything above max_bytes before reading it. 0, or -1 with a one-line
 * message in err and *too_big set when the size was the reason. */
int mica_port_read_file(const char *path, size_t max_bytes, uint8_t **out, size_t *len,
                        int *too_big, char *err, size_t errlen);

#endif
