#!/usr/bin/env bash
# The func backend's GEMM kernels, each forced (func:kernels=0 portable/sgemm, 1 up to the AVX2
# int16 GEMM, default up to AVX-VNNI), byte-identical with LiteRT BUILTIN_REF (mica verify) on each
# model, at 16x16 and on smaller arrays (ROWS 8 and 4, output blocks of 8 columns); the backend's
# report must name the kernels forced: gemm_avx2_int16 with kernels=1 on an AVX2 CPU (none with
# kernels=0), never AVX-VNNI below kernels=2.
# usage: tests/unit/test_func_kernels.sh MICA MODEL.tflite...  (needs the PYTHON mica verify uses)
set -u
mica=$1; shift
fail=0
bad() { echo "FAIL test_func_kernels: $*"; fail=1; }
avx2=$(grep -qw avx2 /proc/cpuinfo 2>/dev/null && echo 1 || echo 0)
for model in "$@"; do
  for array in 16x16 8x8 4x4; do
    for k in 1 0; do
      out=$("$mica" verify "$model" --backend "func:kernels=$k" --array "$array" --count 8 2>&1 | tail -1)
      case "$out" in *" PASS"*) ;; *) bad "$model $array kernels=$k: $out"; continue ;; esac
      echo "$out" | grep -q 'gemm_avx[0-9]*_vnni' && bad "$model $array kernels=$k: ran AVX-VNNI"
      if [ $k = 0 ]; then
        echo "$out" | grep -q 'gemm_avx2_int16' && bad "$model $array kernels=0: ran the AVX2 GEMM"
      elif [ $avx2 = 1 ] && [ "$(basename "$model")" != ad_autoencoder.tflite ]; then
        # every reference model but the autoencoder (one pixel per layer: GEMVs) has T > 1 GEMMs
        echo "$out" | grep -q 'gemm_avx2_int16=' || bad "$model $array kernels=1: no AVX2 GEMM ($out)"
      fi
      echo "ok   $(basename "$model") $array kernels=$k: $(echo "$out" | sed 's/.*mismatching_bytes=/mismatching_bytes=/')"
    done
  done
done
[ $fail = 0 ] && echo "test_func_kernels: PASS" || echo "test_func_kernels: FAIL"
exit $fail
