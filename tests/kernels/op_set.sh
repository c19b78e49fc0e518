# Sourced by the generated op-model suites (run_int16.sh, run_int16b.sh, run_lstm.sh): the checks
# every set gets. op_set_check DIR COUNT: every model on func through run.sh (its op table), every
# model on the cpu backend (the ISA interpreter the firmware falls back to), and every model in
# DIR/refused compiled to one "has an int16 operand" line and exit 1. Prints FAIL lines; returns 1
# on any failure. Needs ROOT and MICA.
op_set_check() {
    sh "$ROOT/tests/kernels/run.sh" "$1" "$2" || return 1
    _failed=0
    for model in "$1"/*.tflite; do
        line=$("$MICA" verify "$model" --backend cpu --count "$2" 2>&1 | tail -n 1)
        case "$line" in *" PASS") ;; *) echo "FAIL (cpu) $(basename "$model"): $line"; _failed=1 ;; esac
    done
    for model in "$1"/refused/*.tflite; do # no int16 kernel: one line, exit 1
        [ -e "$model" ] || continue
        line=$("$MICA" compile "$model" -o "$1/refused/out.mica" 2>&1)
        case "$?:$line" in 1:*"has an int16 operand"*) ;; *) echo "FAIL (refusal) $(basename "$model"): $line"; _failed=1 ;; esac
    done
    return $_failed
}
