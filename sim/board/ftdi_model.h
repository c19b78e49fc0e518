// The board's USB-UART chip as the FPGA sees it: 8N1 frames at the host's baud, timed in board
// clock cycles (fractional: 25 MHz / 3 Mbaud is 8.33 cycles per bit, as on the real board),
// with optional line faults.
#ifndef MICA_FTDI_MODEL_H
#define MICA_FTDI_MODEL_H
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

namespace mica {

class FtdiModel {
public:
    FtdiModel(double cycles_per_bit, double ber, uint64_t seed);

    // Host -> FPGA: bytes queued to send (after fault injection).
    void send(const uint8_t *p, size_t n);
    bool sending() const { return bit_ >= 0 || !tx_.empty(); }
    size_t queued() const { return tx_.size(); }
    // The level of the FPGA's RX pin in this cycle.
    bool line_to_fpga(uint64_t cycle);

    // FPGA -> host: sample the FPGA's TX pin each cycle; bytes received are collected.
    void sample_from_fpga(uint64_t cycle, bool level);
    std::vector<uint8_t> &received() { return rx_bytes_; }
    bool receiving() const { return rx_active_; }

    uint64_t faults() const { return faults_; }

private:
    void inject(uint8_t byte, std::vector<uint8_t> &out);

    double cpb_;
    double ber_;
    std::mt19937_64 rng_;
    uint64_t faults_ = 0;
    // transmitter
    std::deque<uint8_t> tx_;
    int bit_ = -1;  // -1 idle, 0 start, 1..8 data, 9 stop
    uint16_t shift_ = 0;
    double frame_start_ = 0;
    // receiver
    bool rx_active_ = false, last_level_ = true;
    double rx_start_ = 0;
    int rx_bit_ = 0;
    uint8_t rx_shift_ = 0;
    std::vector<uint8_t> rx_bytes_;
};

}  // namespace mica
#endif
