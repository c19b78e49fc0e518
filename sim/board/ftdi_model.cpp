#include "ftdi_model.h"

namespace mica {

FtdiModel::FtdiModel(double cycles_per_bit, double ber, uint64_t seed)
    : cpb_(cycles_per_bit), ber_(ber), rng_(seed) {}

// One byte through a faulty line: flipped bit, dropped, or duplicated, each a third of faults.
void FtdiModel::inject(uint8_t byte, std::vector<uint8_t> &out) {
    if (ber_ <= 0 || std::uniform_real_distribution<double>(0, 1)(rng_) >= ber_) {
        out.push_back(byte);
        return;
    }
    faults_++;
    switch (rng_() % 3) {
    case 0:
        out.push_back(byte ^ (uint8_t)(1u << (rng_() % 8)));
        break;
    case 1:
        break;
    default:
        out.push_back(byte);
        out.push_back(byte);
    }
}

void FtdiModel::send(const uint8_t *p, size_t n) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i < n; i++)
        inject(p[i], out);
    tx_.insert(tx_.end(), out.begin(), out.end());
}

bool FtdiModel::line_to_fpga(uint64_t cycle) {
    if (bit_ < 0) {
        if (tx_.empty())
            return true;
        shift_ = (uint16_t)(tx_.front() << 1 | 1u << 9);  // start 0, data LSB first, stop 1
        tx_.pop_front();
        bit_ = 0;
        frame_start_ = (double)cycle;
    }
    int bit = (int)(((double)cycle - frame_start_) / cpb_);
    if (bit >= 10) {  // stop bit done: the next frame starts right here
        bit_ = -1;
        return line_to_fpga(cycle);
    }
    bit_ = bit;
    return (shift_ >> bit) & 1u;
}

void FtdiModel::sample_from_fpga(uint64_t cycle, bool level) {
    double now = (double)cycle;
    if (!rx_active_) {
        if (last_level_ && !level) {  // falling edge: a start bit begins
            rx_active_ = true;
            rx_start_ = now;
            rx_bit_ = 0;
            rx_shift_ = 0;
        }
        last_level_ = level;
        return;
    }
    last_level_ = level;
    // Sample each bit in its middle.
    double mid = rx_start_ + (rx_bit_ + 0.5) * cpb_;
    if (now < mid)
        return;
    if (rx_bit_ == 0 && level) {  // a glitch, not a start bit
        rx_active_ = false;
        return;
    }
    if (rx_bit_ >= 1 && rx_bit_ <= 8)
        rx_shift_ |= (uint8_t)(level << (rx_bit_ - 1));
    if (rx_bit_ == 9) {
        rx_active_ = false;
        if (level) {  // a byte with a bad stop bit is lost, as a real UART loses it
            std::vector<uint8_t> out;
            inject(rx_shift_, out);
            rx_bytes_.insert(rx_bytes_.end(), out.begin(), out.end());
        }
        return;
    }
    rx_bit_++;
}

}  // namespace mica
