/* The MCU of the mcu backend: firmware built for one program, booted in QEMU (mps2-an386), its
 * console UART a socket carrying the firmware stream (include/mica_fw_stream.h), its second UART
 * the link to a Verilated accelerator board (accel=sim) or nothing (accel=none). */
#ifndef MICA_MCU_QEMU_H
#define MICA_MCU_QEMU_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "mica_boards.h"
#include "mica_program.h"

typedef struct {
    char dir[256];             /* the run's private temporary folder */
    pid_t qemu, board_sim;     /* 0 when not running */
    int data_fd;               /* UART0 (the stream); -1 when closed */
    uint32_t timeout_ms;       /* per message */
    uint64_t kill_board_at_ms; /* fault injection: the board dies then (CLOCK_MONOTONIC); 0 never */
} mcu_t;

/* The accelerator side: a Verilated board on UART1 (with fault injection on its line), or none. */
typedef struct {
    const mica_board_t *board; /* NULL: nothing on UART1 */
    double ber;                /* bytes flipped, dropped or duplicated on the board's UART */
} mcu_accel_t;

/* Emits p as C, builds firmware/ for it, boots QEMU with the accelerator side a. 0, or -1 with a
 * one-line message (what failed, and where its log is). */
int mcu_start(mcu_t *m, const mica_program_t *p, const mcu_accel_t *a, uint32_t timeout_ms,
              char *err, size_t n);
/* CLOCK_MONOTONIC in ms. */
uint64_t mcu_now_ms(void);
/* One message each way (mica_fw_stream.h); recv allocates *payload (free it). 0 or -1. */
int mcu_send(mcu_t *m, uint32_t type, const uint8_t *payload, size_t len, char *err, size_t n);
int mcu_recv(mcu_t *m, uint32_t *type, uint8_t **payload, size_t *len, char *err, size_t n);
/* QUIT, then waits (bounded) for QEMU and the board simulator, kills what is left, removes dir. */
void mcu_stop(mcu_t *m);

#endif
