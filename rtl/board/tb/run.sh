#!/usr/bin/env bash
# Builds and runs the board-link testbenches (Verilator, self-checking; rtl/board/README.md).
#
#   rtl/board/tb/run.sh [TB...]     TB = uart | link | board (default: all three)
#
# uart runs at CLKS_PER_BIT 4, 8 and 17; link (framer PIPE 0 and 1) cross-checks the RTL
# framer/deframer against driver/core/link_frame.c; board drives mica_board_top (2x2) through its
# UART pins.
# Each TB builds into build/rtl_board/<name>/ and is rebuilt only when its sources, the generated
# packages, the Verilator version or the flags change (hash stamp). One PASS/FAIL line per run;
# exits non-zero if any build or test fails.
set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT" || exit 2
TB="$ROOT/rtl/board/tb"
RB="$ROOT/rtl/board"
OUT="$ROOT/build/rtl_board"
GEN="$ROOT/build/gen"
TBS=("$@")
[ ${#TBS[@]} -eq 0 ] && TBS=(uart link board)
VFLAGS=(-Wall -O3 --x-assign fast --x-initial fast -MAKEFLAGS "OPT_FAST=-O2")
# The 2x2 board configuration the bridge test runs (hw/boards/icebreaker.json's array, small
# memory so the test stays fast).
BOARD_G="-GROWS=2 -GCOLS=2 -GLINK_PIPE=1 -GADDR_W=13 -GASPAD_DEPTH=2048 -GWSPAD_DEPTH=2048 -GACC_DEPTH=512 -GPARAM_SETS=16 -GBUS_BYTES=4 -GMEM_BYTES=8192 -GCLK_HZ=12000000 -GCLKS_PER_BIT=4"
BOARD_D="-DMEM_BYTES=8192 -DCLK_HZ=12000000 -DCLKS_PER_BIT=4 -DBUS_BYTES=4 -DADDR_W=13"

command -v verilator >/dev/null || { echo "run.sh: verilator not found" >&2; exit 2; }
mkdir -p "$OUT"
python3 hw/gen.py hw/mica.json build/gen >/dev/null &&
  python3 hw/gen_link.py hw/link.json build/gen >/dev/null ||
  { echo "run.sh: package generation failed" >&2; exit 2; }

failures=0

# build_and_run NAME TOP "SOURCES" "-G params" "-D defines" [TB args...]
build_and_run() {
  local name="$1" top="$2" srcs="$3" gparams="$4" defines="$5"
  shift 5
  local dir="$OUT/$name" hash
  # shellcheck disable=SC2086
  hash="$( { verilator --version; echo "$top $gparams $defines ${VFLAGS[*]}";
             cat ${srcs//$CFRAME/} "$TB/tb_board_common.h" include/mica_link_frame.h driver/core/link_frame.c driver/core/crc32.c; } | sha256sum | cut -d' ' -f1)"
  if [ ! -x "$dir/tb" ] || [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$hash" ]; then
    rm -rf "$dir"
    # shellcheck disable=SC2086
    if ! nice verilator --cc --exe --build "${VFLAGS[@]}" \
         -CFLAGS "-O2 -std=c++17 -I$ROOT/include -I$GEN -I$TB $defines" \
         $gparams --Mdir "$dir" --top-module "$top" -o tb $srcs >"$OUT/$name.build.log" 2>&1; then
      echo "FAIL $name (build; see $OUT/$name.build.log)"
      failures=$((failures + 1))
      return
    fi
    echo "$hash" >"$dir/.stamp"
  fi
  local log="$OUT/$name.log"
  if "$dir/tb" "$@" >"$log" 2>&1; then
    echo "PASS $name: $(tail -n 1 "$log")"
  else
    echo "FAIL $name: $(tail -n 1 "$log") (log: $log)"
    failures=$((failures + 1))
  fi
}

PKGS="$GEN/mica_pkg.sv $GEN/mica_link_pkg.sv"
# The C framing, compiled as C (Verilator would compile .c files as C++) into one archive.
CFRAME="$OUT/libcframe.a"
mkdir -p "$OUT/cframe"
for c in link_frame crc32; do
  gcc -std=gnu99 -O2 -Wall -Wextra -Werror -I"$ROOT/include" -I"$GEN" -c "$ROOT/driver/core/$c.c" \
    -o "$OUT/cframe/$c.o" || { echo "run.sh: compiling driver/core/$c.c failed" >&2; exit 2; }
done
rm -f "$CFRAME" && ar rcs "$CFRAME" "$OUT/cframe/link_frame.o" "$OUT/cframe/crc32.o" || exit 2
for tb in "${TBS[@]}"; do
  case "$tb" in
    uart)
      for c in 4 8 17; do
        build_and_run "uart_$c" tb_uart_loop \
          "$RB/mica_uart_rx.sv $RB/mica_uart_tx.sv $TB/tb_uart_loop.sv $TB/tb_uart.cpp" \
          "-GCLKS_PER_BIT=$c" "-DCLKS_PER_BIT=$c"
      done
      ;;
    link)
      # The framer both ways: CRC fed directly and a cycle later (PIPE, the iCEBreaker's).
      for pipe in 0 1; do
        build_and_run "link_pipe$pipe" tb_link_pair \
          "$PKGS $RB/mica_board_ram.sv $RB/mica_link_crc32.sv $RB/mica_link_rx.sv $RB/mica_link_tx.sv $TB/tb_link_pair.sv $TB/tb_link.cpp $CFRAME" \
          "-GTX_PIPE=$pipe" ""
      done
      ;;
    board)
      # shellcheck disable=SC2086
      build_and_run board_2x2 mica_board_top \
        "$ROOT/rtl/lint.vlt $PKGS $(ls "$ROOT"/rtl/mica_*.sv | tr '\n' ' ') $(ls "$RB"/*.sv | tr '\n' ' ') $TB/tb_board.cpp $CFRAME" \
        "$BOARD_G" "$BOARD_D"
      ;;
    *)
      echo "run.sh: unknown testbench '$tb' (uart, link, board)" >&2
      exit 2
      ;;
  esac
done

if [ "$failures" -ne 0 ]; then
  echo "run.sh: $failures failure(s)"
  exit 1
fi
echo "run.sh: all passed"
