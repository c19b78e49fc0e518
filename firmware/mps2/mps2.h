/* The few MPS2 AN386 peripherals the firmware uses (QEMU mps2-an386 models them): CMSDK APB UARTs,
 * the CMSDK APB timer 0 as a free-running clock, and semihosting for the exit code. */
#ifndef MICA_MPS2_H
#define MICA_MPS2_H
#include <stddef.h>
#include <stdint.h>

#define MPS2_SYSCLK_HZ 25000000u /* the timers' and UARTs' clock */
#define MPS2_UART0 0x40004000u   /* console and the host's data stream */
#define MPS2_UART1 0x40005000u   /* the link to an accelerator board */
#define MPS2_TIMER0 0x40000000u
#define MPS2_SCB_CPACR (*(volatile uint32_t *)0xe000ed88u)

enum { MPS2_EXIT_OK = 0, MPS2_EXIT_FAIL = 1, MPS2_EXIT_FAULT = 3 };

/* Ends the program (QEMU exits with code through semihosting); never returns. */
__attribute__((noreturn)) void mps2_exit(int code);

/* CMSDK APB UART: enabled for transmit and receive. */
void mps2_uart_init(uint32_t base);
void mps2_uart_write(uint32_t base, const uint8_t *buf, size_t n);
/* Up to cap bytes; waits at most timeout_ms for the first. Bytes read, 0 on timeout. */
long mps2_uart_read(uint32_t base, uint8_t *buf, size_t cap, uint32_t timeout_ms);
void mps2_console_write(const char *text);

/* Milliseconds and nanoseconds since the first call (timer 0 free-running at 25 MHz, widened
 * to 64 bits: call at least once every 171 s). */
uint64_t mps2_now_ns(void);
uint64_t mps2_now_ms(void);

/* Bytes the link on UART1 sent [0] and received [1] since boot (link_uart.c). */
void mps2_link_bytes(uint64_t out[2]);
/* The most of the runtime's pool in use at once since boot (port_mps2.c). */
size_t mps2_pool_peak(void);

#endif
