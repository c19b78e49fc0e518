// Shared helpers for the board-link testbenches: a mismatch counter, and the host side of a UART
// line modelled bit by bit (a sender whose bit period may be off, a mid-bit sampling receiver).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <vector>

namespace tbb {

struct Checker {
  uint64_t checks = 0, fails = 0;
  // Records one check; prints the first 20 failures.
  bool expect(bool ok, const char *what, long long got, long long want) {
    ++checks;
    if (!ok && ++fails <= 20) fprintf(stderr, "FAIL %s: got %lld, want %lld\n", what, got, want);
    return ok;
  }
  bool eq(long long got, long long want, const char *what) { return expect(got == want, what, got, want); }
  int finish(const char *name) {
    printf("%s: %llu checks, %llu failures\n", name, (unsigned long long)checks,
           (unsigned long long)fails);
    return fails ? 1 : 0;
  }
};

// Host -> board: 8N1 at `period` clock cycles per bit (fractional: a baud error), `gap` idle bits
// after each stop bit. Call level() once per clock cycle.
class LineSender {
 public:
  explicit LineSender(double period, double gap = 0.0) : period_(period), gap_(gap) {}
  void send(const std::vector<uint8_t> &bytes) { for (uint8_t b : bytes) send_byte(b); }
  void send_byte(uint8_t b) { q_.push_back({b, 0, false}); }
  // A byte whose stop bit is low (a framing error at the receiver).
  void send_bad_stop(uint8_t b) { q_.push_back({b, 0, true}); }
  // A low pulse of `cycles` clocks (a glitch shorter than half a bit), then two idle bits.
  void glitch(unsigned cycles) { q_.push_back({0, cycles, false}); }
  bool idle() const { return !active_ && q_.empty(); }
  uint8_t level() {
    if (!active_) {
      if (q_.empty()) return 1;
      cur_ = q_.front();
      q_.pop_front();
      active_ = true;
      t_ = 0.0;
    }
    uint8_t v;
    double end;
    if (cur_.glitch) {
      v = t_ < cur_.glitch ? 0 : 1;
      end = cur_.glitch + 2.0 * period_;
    } else {
      unsigned bit = (unsigned)std::floor(t_ / period_);
      v = bit == 0 ? 0 : bit <= 8 ? (cur_.byte >> (bit - 1)) & 1 : (bit == 9 && cur_.bad_stop) ? 0 : 1;
      end = (10.0 + gap_) * period_;
    }
    t_ += 1.0;
    if (t_ >= end) active_ = false;
    return v;
  }

 private:
  struct Item { uint8_t byte; unsigned glitch; bool bad_stop; };
  double period_, gap_, t_ = 0.0;
  std::deque<Item> q_;
  Item cur_{0, 0, false};
  bool active_ = false;
};

// Board -> host: samples 8N1 at `period` cycles per bit, mid-bit from the start bit's edge.
class LineReceiver {
 public:
  explicit LineReceiver(double period) : period_(period) {}
  // Feed the pin once per clock; returns true when a byte completed (in *out).
  bool feed(uint8_t v, uint8_t *out) {
    if (!active_) {
      if (v == 0) { active_ = true; t_ = 0; bit_ = 0; shift_ = 0; }
      return false;
    }
    ++t_;
    double next = (1.5 + bit_) * period_;
    if (t_ < (unsigned)std::lround(next)) return false;
    if (bit_ < 8) {
      shift_ |= (uint8_t)(v << bit_);
      ++bit_;
      return false;
    }
    active_ = false;
    if (!v) { ++framing_errors; return false; }
    *out = shift_;
    return true;
  }
  unsigned framing_errors = 0;
  bool busy() const { return active_; }

 private:
  double period_;
  unsigned t_ = 0, bit_ = 0;
  uint8_t shift_ = 0;
  bool active_ = false;
};

}  // namespace tbb
