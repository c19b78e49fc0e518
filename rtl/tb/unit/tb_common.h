// Shared helpers for Mica's Verilator unit testbenches: port packing for any port width,
// a failure counter with a bounded number of printed mismatches, and the clock step.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "verilated.h"

namespace tb {

// Words of a port value, least significant 32-bit word first.
using Words = std::vector<uint32_t>;

inline void put(CData& port, const Words& w) { port = static_cast<CData>(w[0]); }
inline void put(SData& port, const Words& w) { port = static_cast<SData>(w[0]); }
inline void put(IData& port, const Words& w) { port = w[0]; }
inline void put(QData& port, const Words& w) {
  port = static_cast<QData>(w[0]) | (w.size() > 1 ? static_cast<QData>(w[1]) << 32 : 0);
}
template <std::size_t N>
inline void put(VlWide<N>& port, const Words& w) {
  for (std::size_t i = 0; i < N; ++i) port[i] = i < w.size() ? w[i] : 0;
}

inline Words get(CData v) { return Words{v}; }
inline Words get(SData v) { return Words{v}; }
inline Words get(IData v) { return Words{v}; }
inline Words get(QData v) { return Words{static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)}; }
template <std::size_t N>
inline Words get(const VlWide<N>& v) {
  Words w(N);
  for (std::size_t i = 0; i < N; ++i) w[i] = v[i];
  return w;
}

// Writes the low `width` bits of `value` at bit `lsb` of a word vector sized for `total_bits`.
inline void set_field(Words& w, unsigned lsb, unsigned width, uint64_t value) {
  for (unsigned b = 0; b < width; ++b) {
    unsigned bit = lsb + b;
    uint32_t mask = 1u << (bit % 32);
    if ((value >> b) & 1) w[bit / 32] |= mask; else w[bit / 32] &= ~mask;
  }
}

inline uint64_t get_field(const Words& w, unsigned lsb, unsigned width) {
  uint64_t v = 0;
  for (unsigned b = 0; b < width; ++b) {
    unsigned bit = lsb + b;
    if (bit / 32 < w.size() && ((w[bit / 32] >> (bit % 32)) & 1)) v |= uint64_t{1} << b;
  }
  return v;
}

inline Words zero_words(unsigned total_bits) { return Words((total_bits + 31) / 32, 0); }

// Counts mismatches; prints the first few so a failure is readable.
struct Checker {
  uint64_t checks = 0;
  uint64_t errors = 0;
  bool expect(bool ok, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
};

}  // namespace tb

#include <cstdarg>
inline bool tb::Checker::expect(bool ok, const char* fmt, ...) {
  ++checks;
  if (ok) return true;
  if (++errors <= 10) {
    va_list ap;
    va_start(ap, fmt);
    std::fputs("  MISMATCH: ", stdout);
    std::vprintf(fmt, ap);
    std::fputc('\n', stdout);
    va_end(ap);
  }
  return false;
}
