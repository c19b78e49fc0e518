/* Cortex-M4 start-up for MPS2 AN386: the vector table, the reset handler (copy .data, zero .bss,
 * enable the FPU, run main) and fault handlers that report and stop instead of hanging. */
#include <stdint.h>
#include "mps2.h"

int main(void);
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

void mica_reset_handler(void);
void mica_fault_handler(void);
void mica_default_handler(void);

/* Faults end the program with a line on the console and a distinct exit code. */
void mica_fault_handler(void) {
    mps2_console_write("mica firmware: hard fault\n");
    mps2_exit(MPS2_EXIT_FAULT);
}

void mica_default_handler(void) {
    mps2_console_write("mica firmware: unexpected interrupt\n");
    mps2_exit(MPS2_EXIT_FAULT);
}

void mica_reset_handler(void) {
    for (uint32_t *s = __data_load, *d = __data_start; d < __data_end;)
        *d++ = *s++;
    for (uint32_t *d = __bss_start; d < __bss_end;)
        *d++ = 0;
    MPS2_SCB_CPACR |= 0xfu << 20; /* CP10, CP11: the FPU, which the compiler may use */
    __asm__ volatile("dsb\n isb" ::: "memory");
    mps2_exit(main());
}

/* Cortex-M4: the initial stack pointer, then 15 system exceptions, then 32 interrupts. */
__attribute__((section(".vectors"), used)) static void (*const vectors[16 + 32])(void) = {
    (void (*)(void))(uintptr_t)__stack_top,
    mica_reset_handler,
    mica_default_handler, /* NMI */
    mica_fault_handler,   /* HardFault */
    mica_fault_handler,   /* MemManage */
    mica_fault_handler,   /* BusFault */
    mica_fault_handler,   /* UsageFault */
    [7 ... 47] = mica_default_handler,
};
