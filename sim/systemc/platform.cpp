// The example platform and its C API (mica_sc_platform.h).
//
// host (initiator) -> Bus -> Memory (at 0) | accelerator CSRs (at MICA_SC_CSR_BASE)
// accelerator mem (initiator) -> Memory;  accelerator irq -> host.
// A C call hands the host thread one job and runs the kernel (sc_start) until the job calls
// sc_pause: the caller's thread and the simulation never run at the same time.
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "mica_sc_platform.h"
#include "mica_systemc.h"

using namespace sc_core;

namespace mica_sc {
namespace {

class Host : public sc_module {
public:
    tlm_utils::simple_initiator_socket<Host> bus;
    sc_in<bool> irq;
    SC_HAS_PROCESS(Host);
    explicit Host(sc_module_name name) : sc_module(name), bus("bus"), irq("irq") {
        SC_THREAD(serve);
    }

    // Runs job inside the simulation; returns when it is done.
    void run(std::function<void()> job) {
        job_ = std::move(job);
        sc_start();
    }

    // One bus transaction, then the time it took (an LT initiator that keeps no quantum).
    bool transfer(bool write, uint64_t addr, void *data, size_t n) {
        tlm::tlm_generic_payload p;
        sc_time delay = SC_ZERO_TIME;
        p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        p.set_address(addr);
        p.set_data_ptr((unsigned char *)data);
        p.set_data_length((unsigned)n);
        p.set_streaming_width((unsigned)n);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        bus->b_transport(p, delay);
        wait(delay);
        return p.is_response_ok();
    }

private:
    void serve() {
        for (;;) {
            while (!job_) {
                sc_pause();
                wait(SC_ZERO_TIME);
            }
            std::function<void()> job = std::move(job_);
            job_ = nullptr;
            job();
        }
    }
    std::function<void()> job_;
};

}  // namespace
}  // namespace mica_sc

using namespace mica_sc;

struct mica_sc_platform {
    std::string kind;
    mica_hw_config_t hw;
    uint64_t mem_bytes;
    unsigned latency, bytes_per_cycle;
    Memory *memory;
    Bus *bus;
    Host *host;
    Accelerator *accel;
    sc_signal<bool> *irq;
    bool open;
};

static mica_sc_platform g_platform;  // SystemC elaborates once per process

static bool same(const mica_sc_platform &p, const std::string &kind, const mica_hw_config_t *hw,
                 uint64_t mem_bytes, unsigned latency, unsigned bpc) {
    return p.kind == kind && !memcmp(&p.hw, hw, sizeof *hw) && p.mem_bytes == mem_bytes &&
           p.latency == latency && p.bytes_per_cycle == bpc;
}

extern "C" int mica_sc_platform_create(const char *kind, const mica_hw_config_t *hw,
                                       uint64_t mem_bytes, unsigned latency,
                                       unsigned bytes_per_cycle, mica_sc_platform_t **out,
                                       char *err, size_t errlen) {
    mica_sc_platform &p = g_platform;
    if (p.accel) {  // a second platform: only the one already built (SystemC cannot rebuild)
        if (p.open || !same(p, kind, hw, mem_bytes, latency, bytes_per_cycle)) {
            snprintf(err, errlen, "systemc: one platform per process, and it is %s (model=%s)",
                     p.open ? "in use" : "built already", p.kind.c_str());
            return -1;
        }
        mica_sc_reset(&p);
        p.open = true;
        *out = &p;
        return 0;
    }
    if (latency < 1 || bytes_per_cycle < 1) {
        snprintf(err, errlen, "systemc: latency=%u bw=%u: both must be >= 1", latency,
                 bytes_per_cycle);
        return -1;
    }
    AcceleratorConfig cfg = default_config();
    cfg.hw = *hw;
    cfg.mem_bytes_per_cycle = bytes_per_cycle;
    std::string why;
    std::unique_ptr<Accelerator> accel = make_accelerator(kind, "mica", cfg, &why);
    if (!accel) {
        snprintf(err, errlen, "systemc: %s", why.c_str());
        return -1;
    }
    p.kind = kind;
    p.hw = *hw;
    p.mem_bytes = mem_bytes;
    p.latency = latency;
    p.bytes_per_cycle = bytes_per_cycle;
    p.accel = accel.release();
    p.memory = new Memory("memory", mem_bytes, latency, bytes_per_cycle, cfg.clock_period);
    p.bus = new Bus("bus", mem_bytes, MICA_SC_CSR_BASE);
    p.host = new Host("host");
    p.irq = new sc_signal<bool>("irq");
    p.host->bus.bind(p.bus->in);
    p.bus->to_mem.bind(p.memory->host);
    p.bus->to_csr.bind(p.accel->csr);
    p.accel->mem.bind(p.memory->accel);
    p.accel->irq.bind(*p.irq);
    p.host->irq.bind(*p.irq);
    p.open = true;
    *out = &p;
    return 0;
}

extern "C" int mica_sc_mem_write(mica_sc_platform_t *p, uint32_t addr, const void *src, size_t n) {
    bool ok = false;
    p->host->run([&] { ok = p->host->transfer(true, addr, (void *)src, n); });
    return ok ? 0 : -1;
}

extern "C" int mica_sc_mem_read(mica_sc_platform_t *p, uint32_t addr, void *dst, size_t n) {
    bool ok = false;
    p->host->run([&] { ok = p->host->transfer(false, addr, dst, n); });
    return ok ? 0 : -1;
}

extern "C" uint32_t mica_sc_csr_read(mica_sc_platform_t *p, uint32_t offset) {
    uint8_t b[4] = {0};
    p->host->run([&] { p->host->transfer(false, MICA_SC_CSR_BASE + (offset & 0xffcu), b, 4); });
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

extern "C" void mica_sc_csr_write(mica_sc_platform_t *p, uint32_t offset, uint32_t value) {
    uint8_t b[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16),
                    (uint8_t)(value >> 24)};
    p->host->run([&] { p->host->transfer(true, MICA_SC_CSR_BASE + (offset & 0xffcu), b, 4); });
}

extern "C" mica_sc_wait_t mica_sc_wait(mica_sc_platform_t *p, uint64_t max_cycles) {
    uint8_t b[4] = {0};
    p->host->run([&] {
        if (!p->irq->read())
            wait((double)max_cycles * default_config().clock_period, p->irq->posedge_event());
        if (p->irq->read()) p->host->transfer(false, MICA_SC_CSR_BASE + MICA_CSR_STATUS, b, 4);
    });
    if (!p->irq->read()) return MICA_SC_TIMEOUT;
    return (b[0] & MICA_STATUS_ERROR) ? MICA_SC_ERROR : MICA_SC_DONE;
}

extern "C" void mica_sc_reset(mica_sc_platform_t *p) {
    p->host->run([&] {
        p->accel->reset();
        wait(10 * default_config().clock_period);  // the RTL's reset sequence takes 5 cycles
    });
}

extern "C" uint64_t mica_sc_cycle(const mica_sc_platform_t *p) { return p->accel->cycle(); }

extern "C" double mica_sc_time_ns(const mica_sc_platform_t *) {
    return sc_time_stamp().to_seconds() * 1e9;
}

extern "C" void mica_sc_platform_destroy(mica_sc_platform_t *p) {
    if (p) p->open = false;  // the modules live as long as the process (SystemC's kernel does)
}
