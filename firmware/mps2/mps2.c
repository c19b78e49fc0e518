/* MPS2 AN386 peripherals (mps2.h). */
#include "mps2.h"

typedef struct {
    volatile uint32_t data, state, ctrl, intstatus, bauddiv;
} cmsdk_uart_t;
enum { UART_TX_FULL = 1u, UART_RX_FULL = 2u, UART_TX_EN = 1u, UART_RX_EN = 2u };

typedef struct {
    volatile uint32_t ctrl, value, reload, intstatus;
} cmsdk_timer_t;

#define UART(base) ((cmsdk_uart_t *)(uintptr_t)(base))
#define TIMER0 ((cmsdk_timer_t *)(uintptr_t)MPS2_TIMER0)

void mps2_exit(int code) {
    /* SYS_EXIT_EXTENDED: {ADP_Stopped_ApplicationExit, code}; QEMU exits with code. */
    static uint32_t block[2];
    block[0] = 0x20026u;
    block[1] = (uint32_t)code;
    register uint32_t r0 __asm__("r0") = 0x20u;
    register uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    for (;;)
        __asm__ volatile("wfi");
}

void mps2_uart_init(uint32_t base) {
    UART(base)->bauddiv = 16; /* the smallest divisor the CMSDK UART accepts */
    UART(base)->ctrl = UART_TX_EN | UART_RX_EN;
}

void mps2_uart_write(uint32_t base, const uint8_t *buf, size_t n) {
    for (size_t i = 0; i < n; i++) {
        while (UART(base)->state & UART_TX_FULL) {
        }
        UART(base)->data = buf[i];
    }
}

long mps2_uart_read(uint32_t base, uint8_t *buf, size_t cap, uint32_t timeout_ms) {
    size_t got = 0;
    uint64_t start = mps2_now_ms();
    while (got < cap) {
        if (UART(base)->state & UART_RX_FULL) {
            buf[got++] = (uint8_t)UART(base)->data;
            continue;
        }
        if (got || mps2_now_ms() - start >= timeout_ms)
            break; /* return what arrived; wait only for the first byte */
    }
    return (long)got;
}

void mps2_console_write(const char *text) {
    size_t n = 0;
    while (text[n])
        n++;
    mps2_uart_write(MPS2_UART0, (const uint8_t *)text, n);
}

uint64_t mps2_now_ns(void) {
    static uint64_t ticks;
    static uint32_t last;
    static int started;
    if (!started) {
        TIMER0->reload = 0xffffffffu;
        TIMER0->value = 0xffffffffu;
        TIMER0->ctrl = 1u; /* enable, no interrupt */
        last = TIMER0->value;
        started = 1;
    }
    uint32_t now = TIMER0->value; /* counts down */
    ticks += (uint32_t)(last - now);
    last = now;
    return ticks * 40u; /* 25 MHz: 40 ns per tick */
}

uint64_t mps2_now_ms(void) {
    return mps2_now_ns() / 1000000u;
}
