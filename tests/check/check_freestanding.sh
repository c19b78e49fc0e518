#!/usr/bin/env bash
# The runtime core (build/libmica_core.a: loader, runtime walk, CPU kernels, cost model, options,
# escape, op names) must need only libc's string.h from outside itself (no malloc, stdio or libm:
# firmware/ links the same core), plus what the application supplies:
# the backend registry (mica_backends, mica_num_backends) and the port (include/mica_port.h). Lists the libc symbols it needs; fails on
# anything else (OpenBLAS sgemm_/cblas_*, libstdc++ _Z*, the simulator's mica_sim_*, Verilator, a
# backend's or the compiler's symbols). The CPU kernels (driver/core/kernels) may need only
# memcpy/memset/memmove, which compilers emit for plain C: they also build for a Cortex-M4.
#   bash tests/check/check_freestanding.sh [LIBCORE]    (default build/libmica_core.a; `make` builds it)
set -euo pipefail
cd "$(dirname "$0")/../.."
LIB=${1:-build/libmica_core.a}
[ -f "$LIB" ] || { echo "check_freestanding: $LIB missing (make $LIB)"; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

nm -A -u "$LIB" | awk '{sub(/:$/, "", $1); n = split($1, p, ":"); print p[n], $NF}' | sort -u > "$TMP/undef"
nm -g --defined-only "$LIB" | awk 'NF == 3 {print $3}' | sort -u > "$TMP/defined"
for lib in libc.so.6 libm.so.6; do
    nm -D --defined-only "$(gcc -print-file-name=$lib)" | awk 'NF == 3 {sub(/@.*/, "", $3); print $3}'
done | sort -u > "$TMP/libc"
{ printf '%s\n' mica_backends mica_num_backends; grep -o 'mica_port_[a-z_0-9]*(' include/mica_port.h | tr -d '('; } |
    sort -u > "$TMP/registry"
printf '%s\n' _GLOBAL_OFFSET_TABLE_ > "$TMP/linker"

awk '{print $2}' "$TMP/undef" | sort -u | comm -23 - "$TMP/defined" > "$TMP/external"
comm -12 "$TMP/external" "$TMP/libc" > "$TMP/need_libc"
comm -23 "$TMP/external" "$TMP/libc" | comm -23 - "$TMP/registry" | comm -23 - "$TMP/linker" > "$TMP/bad" || true

fail=0
echo "libmica_core.a needs from libc ($(wc -l < "$TMP/need_libc")): $(tr '\n' ' ' < "$TMP/need_libc")"
# string.h only: whatever else libc offers (malloc, snprintf, strtod, time) the port provides.
grep -vxE 'mem(chr|cmp|cpy|move|set)|str(chr|cmp|len|ncmp|nlen|rchr)' "$TMP/need_libc" | sed 's/$/ not string.h: firmware has no such libc; use the port or mica_fmt.h/' >> "$TMP/bad" || true
echo "from the application: $(comm -12 "$TMP/external" "$TMP/registry" | tr '\n' ' ')"
while read -r sym; do
    case "$sym" in
        sgemm_*|cblas_*|openblas_*) why="OpenBLAS" ;;
        _Z*|__cxa_*|__gxx_*) why="libstdc++" ;;
        mica_sim_*|Verilated*|V[a-z]*) why="the simulator / Verilator" ;;
        *" not string.h"*) why=${sym#* }; sym=${sym%% *} ;;
        *) why="neither libc nor the core itself" ;;
    esac
    users=$(awk -v s="$sym" '$2 == s {print $1}' "$TMP/undef" | tr '\n' ' ')
    echo "FAIL libmica_core.a needs $sym ($why), used by: $users"
    fail=1
done < "$TMP/bad"

# The kernels: nothing but what the compiler itself may call.
kernel_objs=$(for f in driver/core/kernels/*.c; do basename "${f%.c}.o"; done | sort)
kernel_needs=$(awk 'NR == FNR {k[$1]; next} ($1 in k) {print $2}' <(echo "$kernel_objs") "$TMP/undef" | sort -u |
               comm -23 - "$TMP/defined" | grep -vxE 'memcpy|memset|memmove|_GLOBAL_OFFSET_TABLE_' || true)
echo "driver/core/kernels needs from outside: ${kernel_needs:-nothing}$([ -z "$kernel_needs" ] || echo ' (want nothing)')"
[ -z "$kernel_needs" ] || fail=1

if [ $fail -eq 0 ]; then echo "check_freestanding: PASS"; else echo "check_freestanding: FAIL"; exit 1; fi
