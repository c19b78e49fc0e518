// The smallest platform with Mica in it: a CPU stand-in that starts a one-instruction program.
// Build: g++ my_platform.cpp $(pkg-config --cflags --libs mica-systemc) -o my_platform
#include <cstdio>
#include <cstring>
#include "mica_systemc.h"

struct Cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Cpu> csr, mem;  // to the accelerator's CSRs, to memory
    sc_core::sc_in<bool> irq;
    SC_CTOR(Cpu) : csr("csr"), mem("mem") { SC_THREAD(run); }
    uint32_t access(tlm_utils::simple_initiator_socket<Cpu> &s, bool wr, uint64_t a, uint32_t v) {
        tlm::tlm_generic_payload p;
        sc_core::sc_time t = sc_core::SC_ZERO_TIME;
        p.set_command(wr ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        p.set_address(a), p.set_data_ptr((unsigned char *)&v), p.set_data_length(4);
        p.set_streaming_width(4), s->b_transport(p, t), wait(t);
        return v;
    }
    void run() {
        mica_instr_t end = {{0, 0}};
        MICA_SET(&end, MICA_F_OPCODE, MICA_OP_END);
        for (int i = 0; i < 4; i++) access(mem, true, 4 * i, ((uint32_t *)&end)[i]);
        access(csr, true, MICA_CSR_PROG_ADDR, 0), access(csr, true, MICA_CSR_PROG_LEN, 1);
        access(csr, true, MICA_CSR_CTRL, MICA_CTRL_START);
        if (!irq.read()) wait(irq.posedge_event());
        printf("%s status=%u cycles=%u at %s\n", access(csr, false, MICA_CSR_STATUS, 0) == MICA_STATUS_DONE
               ? "DONE" : "FAILED", access(csr, false, MICA_CSR_STATUS, 0),
               access(csr, false, MICA_CSR_COUNTER_BASE, 0), sc_core::sc_time_stamp().to_string().c_str());
        sc_core::sc_stop();
    }
};

int sc_main(int argc, char **argv) {
    mica_sc::AcceleratorConfig cfg = mica_sc::default_config();
    auto accel = mica_sc::make_accelerator(argc > 1 ? argv[1] : "tlm", "mica", cfg, nullptr);
    mica_sc::Memory memory("memory", 1 << 20, /*latency*/ 10, /*bytes per cycle*/ 8, cfg.clock_period);
    Cpu cpu("cpu");
    sc_core::sc_signal<bool> irq;
    cpu.csr.bind(accel->csr), cpu.mem.bind(memory.host), accel->mem.bind(memory.accel);
    accel->irq.bind(irq), cpu.irq.bind(irq);
    sc_core::sc_start();
    return 0;
}
