// UART unit test: bytes sent bit by bit into mica_uart_rx at the nominal baud and +-2% off come out
// of the receiver and, looped back through mica_uart_tx, arrive at a host-side sampler unchanged.
// Also: a short low glitch is not a byte, a low stop bit is a framing error (counted, no byte).
#include <cstdlib>
#include <memory>

#include "Vtb_uart_loop.h"
#include "tb_board_common.h"
#include "verilated.h"

#ifndef CLKS_PER_BIT
#error "build with -DCLKS_PER_BIT=N"
#endif

namespace {

struct Bench {
  Vtb_uart_loop dut;
  tbb::Checker chk;
  std::vector<uint8_t> rx_bytes, echoed;
  tbb::LineReceiver host_rx{CLKS_PER_BIT};

  void reset() {
    dut.rst_ni = 0; dut.rx_i = 1; dut.clk_i = 0; dut.eval();
    dut.clk_i = 1; dut.eval(); dut.clk_i = 0; dut.eval();
    dut.rst_ni = 1; dut.eval();
  }
  void step(uint8_t rx) {
    dut.rx_i = rx;
    dut.clk_i = 0; dut.eval();
    dut.clk_i = 1; dut.eval();
    if (dut.rx_valid_o) rx_bytes.push_back(dut.rx_data_o);
    uint8_t b;
    if (host_rx.feed(dut.tx_o, &b)) echoed.push_back(b);
  }
  // Runs the sender until it is idle, then lets the echo drain.
  void run(tbb::LineSender &tx) {
    while (!tx.idle()) step(tx.level());
    for (int i = 0; i < 24 * CLKS_PER_BIT; ++i) step(1);
  }
};

void check_bytes(tbb::Checker &chk, const std::vector<uint8_t> &got, const std::vector<uint8_t> &want,
                 const char *what) {
  chk.eq((long long)got.size(), (long long)want.size(), what);
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) chk.eq(got[i], want[i], what);
}

}  // namespace

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  auto b = std::make_unique<Bench>();
  b->reset();
  srand(12);
  std::vector<uint8_t> all;
  for (int i = 0; i < 256; ++i) all.push_back((uint8_t)i);
  for (int i = 0; i < 200; ++i) all.push_back((uint8_t)rand());

  // Nominal, 2% slow and 2% fast senders; one idle bit between bytes so the exact-baud echo keeps up.
  for (double err : {0.0, 0.02, -0.02}) {
    b->rx_bytes.clear(); b->echoed.clear();
    tbb::LineSender tx(CLKS_PER_BIT * (1.0 + err), 1.0);
    tx.send(all);
    b->run(tx);
    check_bytes(b->chk, b->rx_bytes, all, err == 0 ? "rx nominal" : err > 0 ? "rx slow" : "rx fast");
    check_bytes(b->chk, b->echoed, all, "tx echo");
  }
  b->chk.eq(b->dut.frame_err_cnt_o, 0, "no framing errors on good bytes");
  b->chk.eq(b->host_rx.framing_errors, 0, "host saw no framing errors");

  // A glitch shorter than half a bit is not a start bit.
  b->rx_bytes.clear();
  {
    tbb::LineSender tx(CLKS_PER_BIT, 1.0);
    tx.glitch(CLKS_PER_BIT / 2 - 1 > 0 ? CLKS_PER_BIT / 2 - 1 : 1);
    tx.send_byte(0xA5);
    b->run(tx);
  }
  check_bytes(b->chk, b->rx_bytes, {0xA5}, "glitch rejected, next byte received");

  // A low stop bit: framing error counted, byte dropped, the following byte still received.
  b->rx_bytes.clear();
  {
    tbb::LineSender tx(CLKS_PER_BIT, 2.0);
    tx.send_bad_stop(0x3C);
    tx.send_bad_stop(0x00);
    tx.send_byte(0x5A);
    b->run(tx);
  }
  b->chk.eq(b->dut.frame_err_cnt_o, 2, "framing errors counted");
  check_bytes(b->chk, b->rx_bytes, {0x5A}, "bad-stop bytes dropped");
  b->chk.eq(b->dut.overrun_o, 0, "loopback never overran");
  return b->chk.finish("uart");
}
