// What both accelerator models share: the sockets, the configuration, the factory.
#include "mica_systemc.h"

namespace mica_sc {

AcceleratorConfig default_config() {
    AcceleratorConfig c;
    c.hw = mica_hw_config_t{MICA_ROWS_DEFAULT,        MICA_COLS_DEFAULT,
                            MICA_ASPAD_DEPTH_DEFAULT, MICA_WSPAD_DEPTH_DEFAULT,
                            MICA_ACC_DEPTH_DEFAULT,   MICA_PARAM_SETS_DEFAULT,
                            MICA_BUS_BYTES_DEFAULT,   MICA_REQ_LANES_DEFAULT,
                            MICA_ABSENT_DEFAULT,      MICA_REQ_MUL_CYCLES_DEFAULT};
    return c;
}

Accelerator::Accelerator(sc_core::sc_module_name name, const AcceleratorConfig &cfg)
    : sc_module(name), csr("csr"), mem("mem"), irq("irq"), cfg_(cfg) {
    // The socket calls the model's own CSR transport (a virtual, so each model has its own).
    csr.register_b_transport(this, &Accelerator::csr_dispatch);
}

void Accelerator::csr_dispatch(tlm::tlm_generic_payload &p, sc_core::sc_time &delay) {
    uint64_t addr = p.get_address();
    if (p.get_data_length() != 4 || addr % 4 || addr >= 0x1000 || p.get_byte_enable_ptr()) {
        p.set_response_status(p.get_data_length() != 4 ? tlm::TLM_BURST_ERROR_RESPONSE
                                                        : tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    csr_transport(p, delay);
}

// Same layout as hw/mica.json's defaults? (the RTL component is built for those only)
static bool is_default(const mica_hw_config_t &a) {
    mica_hw_config_t d = default_config().hw;
    return a.rows == d.rows && a.cols == d.cols && a.aspad_depth == d.aspad_depth &&
           a.wspad_depth == d.wspad_depth && a.acc_depth == d.acc_depth &&
           a.param_sets == d.param_sets && a.bus_bytes == d.bus_bytes &&
           mica_hw_req_lanes(&a) == mica_hw_req_lanes(&d) && a.absent == d.absent &&
           mica_hw_req_mul_cycles(&a) == mica_hw_req_mul_cycles(&d);
}

std::unique_ptr<Accelerator> make_rtl_accelerator(const char *name, const AcceleratorConfig &cfg);
std::unique_ptr<Accelerator> make_tlm_accelerator(const char *name, const AcceleratorConfig &cfg);

std::unique_ptr<Accelerator> make_accelerator(const std::string &kind, const char *name,
                                              const AcceleratorConfig &cfg, std::string *err) {
    if (kind == "tlm") return make_tlm_accelerator(name, cfg);
    if (kind != "rtl") {
        if (err) *err = "model=" + kind + ": must be rtl or tlm";
        return nullptr;
    }
    if (!is_default(cfg.hw)) {
        if (err)
            *err = "model=rtl is built for the hw/mica.json defaults (" +
                   std::to_string(MICA_ROWS_DEFAULT) + "x" + std::to_string(MICA_COLS_DEFAULT) +
                   ", every feature); this program is for " + std::to_string(cfg.hw.rows) + "x" +
                   std::to_string(cfg.hw.cols) + " (model=tlm runs any configuration)";
        return nullptr;
    }
    return make_rtl_accelerator(name, cfg);
}

}  // namespace mica_sc
