/* Backend "mmio" on the MCU: an accelerator on the processor's bus, its CSR block and memory at
 * the addresses the options give, through the runtime core's mmio device
 * (driver/core/mmio_device.c, tested on a host against the Verilated RTL: tests/firmware/
 * mmio_host.c). MPS2 AN386 has no accelerator on its bus; an SoC that has one uses this. */
#include "mica_backend.h"
#include "mica_fmt.h"
#include "mica_mmio.h"

static uint32_t bus_read32(void *ctx, uintptr_t addr) {
    (void)ctx;
    return *(volatile const uint32_t *)addr;
}

static void bus_write32(void *ctx, uintptr_t addr, uint32_t value) {
    (void)ctx;
    *(volatile uint32_t *)addr = value;
}

static const mica_opt_spec_t mmio_options[] = {
    {"csr_base", MICA_OPT_INT, 0, 0xffffffffll},
    {"mem_base", MICA_OPT_INT, 0, 0xffffffffll},
    {"mem_bytes", MICA_OPT_INT, 1, 0xffffffffll},
};

static mica_mmio_t bus;

static int mmio_open(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                     mica_backend_t *out, char *err, size_t errlen) {
    (void)cfg; /* the runtime compares the program's configuration with the CONFIG CSRs */
    long long csr = mica_opt_int(options, "csr_base", -1), mem = mica_opt_int(options, "mem_base", -1);
    uint32_t size = (uint32_t)mica_opt_int(options, "mem_bytes", 0);
    if (csr < 0 || mem < 0 || !size) {
        mica_snprintf(err, errlen, "mmio backend: give csr_base=, mem_base= and mem_bytes= (where "
                                   "the accelerator sits on this MCU's bus)");
        return -1;
    }
    if (mem_bytes > size) {
        mica_snprintf(err, errlen, "mmio backend: the program needs %u bytes of accelerator memory, "
                                   "mem_bytes=%u", mem_bytes, size);
        return -1;
    }
    bus = (mica_mmio_t){0, bus_read32, bus_write32, (uintptr_t)csr, (uintptr_t)mem, size};
    mica_mmio_backend(&bus, out);
    return 0;
}

const mica_backend_desc_t mica_backend_mmio = {"mmio", mmio_open, mmio_options,
                                               (int)(sizeof mmio_options / sizeof mmio_options[0])};
