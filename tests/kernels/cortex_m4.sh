#!/bin/sh
# Builds every CPU kernel (driver/core/kernels/*.c) and the link (framing, engine) for a Cortex-M4 with arm-none-eabi-gcc, freestanding,
# warnings as errors, prints per-kernel and total .text, and fails when the partially linked
# kernels reference any external symbol (libc/libm such as memcpy/memset, or libgcc helpers).
#   sh tests/kernels/cortex_m4.sh          (apt-get install gcc-arm-none-eabi when missing)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/build/kernels_m4
CC=arm-none-eabi-gcc
command -v $CC >/dev/null || { echo "cortex_m4.sh: $CC missing (apt-get install gcc-arm-none-eabi)"; exit 1; }
# Cortex-M4F (single-precision FPU), as firmware/ builds: float kernels need no libgcc helpers.
CFLAGS="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2 -std=c99 -ffreestanding -nostdlib -Wall -Wextra -Werror -I$ROOT/include -I$ROOT/build/gen -I$ROOT/driver/core/kernels"
rm -rf "$OUT" && mkdir -p "$OUT"
fail=0
# The link framing, its CRC and the request engine are firmware code too (the MCU speaks the same link).
for src in "$ROOT"/driver/core/kernels/*.c "$ROOT"/driver/core/link_frame.c "$ROOT"/driver/core/link_host.c "$ROOT"/driver/core/crc32.c; do
    obj=$OUT/$(basename "$src" .c).o
    $CC $CFLAGS -c "$src" -o "$obj" || { echo "cortex_m4.sh: FAIL compiling $(basename "$src")"; fail=1; }
done
[ $fail = 0 ] || exit 1
printf "%-24s %8s\n" kernel text
total=0
for obj in "$OUT"/*.o; do
    text=$(arm-none-eabi-size "$obj" | awk 'NR == 2 {print $1}')
    total=$((total + text))
    printf "%-24s %8d\n" "$(basename "$obj" .o)" "$text"
done
printf "%-24s %8d\n" TOTAL "$total"
arm-none-eabi-ld -r -o "$OUT/kernels.o" "$OUT"/*.o
undef=$(arm-none-eabi-nm -u "$OUT/kernels.o")
if [ -n "$undef" ]; then
    echo "cortex_m4.sh: FAIL: undefined external symbols:"; echo "$undef"; exit 1
fi
echo "cortex_m4.sh: PASS (no undefined symbols)"
