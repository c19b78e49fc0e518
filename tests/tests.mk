# Test targets (included by the top-level Makefile).
.PHONY: test test-rtl test-sim test-reader test-corrupt test-fuzz-short test-spec test-e2e test-kernels
test: test-spec test-unit test-reader test-corrupt test-fuzz-short test-rtl test-sim test-e2e test-asan test-kernels
	@echo "ALL TESTS PASSED"

test-spec: $(GEN)/mica_isa.h $(MICA)
	$(PYTHON) tests/spec/check_spec.py
	bash tests/spec/check_readme_ops.sh

test-reader:
	$(MAKE) --no-print-directory -C compiler/tflite test
	$(B)/tflite/test_reader $(DIGITS)

test-corrupt:
	bash tests/corrupt/run.sh $(DIGITS) 200

test-fuzz-short: $(MICA)
	bash tests/corrupt/fuzz_short.sh 20
	bash tests/fuzz/fuzz_short.sh 20

test-rtl: $(GEN)/mica_pkg.sv
	$(MAKE) --no-print-directory -C rtl lint synth test

test-sim: $(LIBSIM)
	$(MAKE) --no-print-directory -C sim test

test-e2e: $(MICA)
	bash tests/e2e/run.sh

# Typed ISA encoders/decoders, descriptor table and disassembler (no TensorFlow needed).
.PHONY: test-isa
$(B)/unit/test_isa_encode: tests/unit/test_isa_encode.c driver/core/disasm.c include/mica_disasm.h $(GEN)/mica_isa.h
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) $(INC) tests/unit/test_isa_encode.c driver/core/disasm.c -o $@
test-isa: $(B)/unit/test_isa_encode $(MICA)
	$(B)/unit/test_isa_encode
	bash tests/unit/test_disasm.sh $(MICA) models/*.tflite

# The compiler's passes alone (waits, arena, partition rules, tiling): no TensorFlow, no model file.
COMPILER_UNIT_TESTS := waits arena partition tiling
.PHONY: test-compiler-unit
$(B)/unit/test_compiler_%: tests/unit/test_compiler_%.c tests/unit/test_compiler_util.h $(LIBCOMPILER) $(LIBTFLITE) $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) $(CONTRACT_INC) -Icompiler $< $(LIBCOMPILER) $(LIBTFLITE) $(LIBCORE) -lm -o $@
test-compiler-unit: $(patsubst %,$(B)/unit/test_compiler_%,$(COMPILER_UNIT_TESTS))
	@for t in $^; do $$t || exit 1; done

test-unit: $(GEN)/mica_isa.h $(MICA) $(LIBFUNC) $(LIBCORE)
	@mkdir -p $(B)/unit
	$(CC) -O2 -std=gnu99 -Wall -Wextra -Iinclude tests/unit/test_requant.c -lm -o $(B)/unit/test_requant
	$(B)/unit/test_requant
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_func_exact.c $(LIBFUNC) $(LIBCORE) -lopenblas -lm -o $(B)/unit/test_func_exact
	$(B)/unit/test_func_exact
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_func_vector.c $(LIBFUNC) $(LIBCORE) -lopenblas -lm -o $(B)/unit/test_func_vector
	$(B)/unit/test_func_vector
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_func_vecplan.c $(LIBFUNC) $(LIBCORE) -lopenblas -lm -o $(B)/unit/test_func_vecplan
	$(B)/unit/test_func_vecplan
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_func_plan.c $(LIBFUNC) $(LIBCORE) -lopenblas -lm -o $(B)/unit/test_func_plan
	$(B)/unit/test_func_plan
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_func_counts.c $(LIBFUNC) $(LIBCORE) -lopenblas -lm -o $(B)/unit/test_func_counts
	$(B)/unit/test_func_counts
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_driver_errors.c $(LIBMICA) $(LIBSIM) $(SIM_LDFLAGS) -o $(B)/unit/test_driver_errors
	$(MICA) compile $(DIGITS) -o $(B)/unit/d16.mica >/dev/null
	$(MICA) compile $(DIGITS) -o $(B)/unit/d8.mica --array 8x8 >/dev/null
	$(MICA) compile models/ad_autoencoder.tflite -o $(B)/unit/ad.mica >/dev/null
	$(B)/unit/test_driver_errors $(B)/unit/d16.mica $(B)/unit/d8.mica $(B)/unit/ad.mica
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_isa_ref.c $(LIBMICA) $(LIBSIM) $(SIM_LDFLAGS) -o $(B)/unit/test_isa_ref
	$(B)/unit/test_isa_ref $(B)/unit/d16.mica $(B)/unit/d8.mica $(B)/unit/ad.mica
bench: $(MICA)
	bash tests/bench/bench.sh

test-kernels: $(MICA)
	$(PYTHON) tests/kernels/make_cpu_op_models.py
	sh tests/kernels/run.sh
	sh tests/kernels/cortex_m4.sh
	sh tests/kernels/fuzz.sh 5000

# Robustness runs (tests/README.md gives their times); only test-asan is part of `make test`.
.PHONY: fuzz-long test-asan soak
fuzz-long: $(MICA)
	bash tests/fuzz/fuzz_long.sh

# The end-to-end suite with the mica command (compiler + libmica + CLI) under ASan + UBSan.
test-asan: $(B)/mica-asan $(MICA)
	MICA=$(B)/mica-asan bash tests/e2e/run.sh

soak: $(MICA) $(B)/soak/soak
	bash tests/soak/run.sh
