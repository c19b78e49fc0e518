// TlmAccelerator: a loosely-timed model with the RTL component's sockets and interrupt.
//
// CTRL.START runs the program at once in the ISA reference interpreter (driver/core/isa_ref.c)
// on the platform's memory through DMI, and the cost model (driver/core/cost.c) says how many
// cycles it takes with the memory latency DMI reports; STATUS shows BUSY and the interrupt stays
// low until that many clock periods have passed. The memory effects are there at once: a host
// that waits for the interrupt, as the runtime does, cannot tell. CYCLES and ARRAY_BUSY are the
// cost model's; the other counters are the interpreter's, counted as the RTL counts them.
#include <cstdlib>
#include <vector>

#include "mica_cost.h"
#include "mica_isa_ref.h"
#include "mica_systemc.h"

using namespace sc_core;

namespace mica_sc {
namespace {

class TlmAccelerator final : public Accelerator {
public:
    SC_HAS_PROCESS(TlmAccelerator);
    TlmAccelerator(sc_module_name name, const AcceleratorConfig &cfg)
        : Accelerator(name, cfg), buf_(mica_isa_ref_buffer_bytes(&cfg.hw) / 4 + 1, 0) {
        mica_isa_ref_init(&ref_, &cfg.hw, nullptr, 0, buf_.data());
        ref_.counting = MICA_REF_COUNT_RTL;
        SC_THREAD(finish);
    }

    uint64_t cycle() const override { return (uint64_t)(sc_time_stamp() / cfg_.clock_period); }
    const char *kind() const override { return "tlm"; }
    void reset() override {
        running_ = false;
        ref_.done = ref_.error = 0;
        update_irq();
    }

private:
    void csr_transport(tlm::tlm_generic_payload &p, sc_time &delay) override {
        sc_time at = sc_time_stamp() + delay;
        uint32_t addr = (uint32_t)p.get_address();
        uint8_t *d = p.get_data_ptr();
        if (running_ && at >= done_at_) running_ = false;  // the interrupt thread may lag by a delta
        if (p.is_write()) {
            uint32_t v = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 |
                         (uint32_t)d[3] << 24;
            if (addr == MICA_CSR_CTRL && (v & MICA_CTRL_START))
                start(at);
            else if (!running_)
                mica_isa_ref_csr_write(&ref_, addr, v);
            update_irq();
        } else {
            uint32_t v = running_ && addr == MICA_CSR_STATUS ? MICA_STATUS_BUSY
                                                               : mica_isa_ref_csr_read(&ref_, addr);
            for (int i = 0; i < 4; i++) d[i] = (uint8_t)(v >> (8 * i));
        }
        delay += cfg_.clock_period;  // one cycle per CSR access, as on the RTL's port
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    // The platform's memory by DMI, once: the interpreter works on it in place.
    bool map_memory() {
        if (ref_.mem) return true;
        tlm::tlm_generic_payload p;
        tlm::tlm_dmi dmi;
        p.set_command(tlm::TLM_READ_COMMAND);
        p.set_address(0);
        if (!mem->get_direct_mem_ptr(p, dmi) || !dmi.is_read_write_allowed() ||
            dmi.get_start_address() != 0) {
            SC_REPORT_WARNING("mica/tlm", "the memory behind the mem socket grants no read/write "
                                          "DMI from address 0: programs end in a bus error");
            return false;
        }
        ref_.mem = dmi.get_dmi_ptr();
        ref_.mem_bytes = dmi.get_end_address() + 1;
        latency_ = (uint32_t)(dmi.get_read_latency() / cfg_.clock_period + 0.5);
        return true;
    }

    void start(sc_time at) {
        uint64_t cycles = 1;
        if (!map_memory()) {
            ref_.done = 0;
            ref_.error = 1;
            ref_.error_code = MICA_ERR_BUS;
            ref_.error_pc = 0;
        } else {
            mica_isa_ref_csr_write(&ref_, MICA_CSR_CTRL, MICA_CTRL_START);
            cycles = estimate();
        }
        running_ = true;
        done_at_ = at + (double)cycles * cfg_.clock_period;
        finish_event_.notify(done_at_ - sc_time_stamp());
    }

    // Cycles of the instructions that ran (to END or the failing one), from the cost model.
    uint64_t estimate() {
        uint64_t count = (uint64_t)ref_.pc + 1, max = 0;
        if (ref_.prog_addr < ref_.mem_bytes)
            max = (ref_.mem_bytes - ref_.prog_addr) / MICA_INSTR_BYTES;
        if (count > ref_.prog_len) count = ref_.prog_len;
        if (count > max) count = max;
        if (count == 0) return 1;
        mica_cost_t c;
        mica_cost_instrs(&ref_.cfg, latency_, (const mica_instr_t *)(ref_.mem + ref_.prog_addr),
                         (uint32_t)count, &c);
        ref_.counters[MICA_CNT_CYCLES] = c.cycles;
        ref_.counters[MICA_CNT_ARRAY_BUSY] = c.array_cycles;
        return c.cycles ? c.cycles : 1;
    }

    // The one process that drives irq (a signal has one writer): at the end of a run, and a delta
    // after a CSR access changed STATUS.
    void finish() {
        for (;;) {
            wait(finish_event_ | irq_event_);
            if (running_ && sc_time_stamp() >= done_at_) running_ = false;
            irq.write(!running_ && (ref_.done || ref_.error));
        }
    }

    void update_irq() { irq_event_.notify(SC_ZERO_TIME); }

    std::vector<uint32_t> buf_;  // the interpreter's on-chip memories (4-byte aligned)
    mica_isa_ref_t ref_;
    uint32_t latency_ = MICA_MEM_LATENCY_DEFAULT;
    bool running_ = false;
    sc_time done_at_;
    sc_event finish_event_, irq_event_;
};

}  // namespace

std::unique_ptr<Accelerator> make_tlm_accelerator(const char *name, const AcceleratorConfig &cfg) {
    return std::unique_ptr<Accelerator>(new TlmAccelerator(name, cfg));
}

}  // namespace mica_sc
