# Test targets (included by the top-level Makefile).
.PHONY: test test-rtl test-sim test-reader test-corrupt test-fuzz-short test-spec test-e2e test-kernels
test: check test-spec test-unit test-reader test-corrupt test-fuzz-short test-rtl test-sim test-e2e test-asan test-kernels test-subgraph test-link-sim test-firmware test-systemc test-fpga-flow test-sweep test-energy
	@echo "ALL TESTS PASSED"

test-spec: $(GEN)/mica_isa.h $(MICA)
	$(PYTHON) tests/spec/check_spec.py
	bash tests/spec/check_readme_ops.sh
	$(PYTHON) tests/spec/coverage_table.py $(MICA) --check

test-reader:
	$(MAKE) --no-print-directory -C compiler/tflite test
	$(B)/tflite/test_reader $(DIGITS)

test-corrupt:
	bash tests/corrupt/run.sh $(DIGITS) 200

test-fuzz-short: $(MICA) $(B)/fuzz/fuzz_link $(B)/fuzz/fuzz_mcu
	bash tests/corrupt/fuzz_short.sh 20
	bash tests/fuzz/fuzz_short.sh 20
	@mkdir -p $(B)/fuzz/link_short/seeds $(B)/fuzz/link_short/corpus
	@$(PYTHON) tests/fuzz/make_link_seeds.py $(B)/fuzz/link_short/seeds
	@$(B)/fuzz/fuzz_link $(B)/fuzz/link_short/corpus $(B)/fuzz/link_short/seeds -seed=1 -max_total_time=20 \
	    -timeout=10 -artifact_prefix=$(B)/fuzz/link_short/ > $(B)/fuzz/link_short/last_run.log 2>&1 \
	  && echo "fuzz_link (frames + request engine): PASS (20 s)" \
	  || { tail -20 $(B)/fuzz/link_short/last_run.log; echo "fuzz_link: FAIL"; exit 1; }
	@mkdir -p $(B)/fuzz/mcu_short/corpus
	@$(B)/fuzz/fuzz_mcu $(B)/fuzz/mcu_short/corpus -seed=1 -max_total_time=10 -timeout=10 \
	    -artifact_prefix=$(B)/fuzz/mcu_short/ > $(B)/fuzz/mcu_short/last_run.log 2>&1 \
	  && echo "fuzz_mcu (firmware stream replies): PASS (10 s)" \
	  || { tail -20 $(B)/fuzz/mcu_short/last_run.log; echo "fuzz_mcu: FAIL"; exit 1; }

test-rtl: $(GEN)/mica_pkg.sv
	$(MAKE) --no-print-directory -C rtl lint synth test

test-sim: $(LIBSIM)
	$(MAKE) --no-print-directory -C sim test

test-e2e: $(MICA)
	bash tests/e2e/run.sh

# Typed ISA encoders/decoders, descriptor table and disassembler (no TensorFlow needed).
.PHONY: test-isa
$(B)/unit/test_isa_encode: tests/unit/test_isa_encode.c tests/unit/test_check.h driver/core/disasm.c driver/core/fmt.c include/mica_disasm.h $(GEN)/mica_isa.h
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) $(INC) tests/unit/test_isa_encode.c driver/core/disasm.c driver/core/fmt.c -o $@
test-isa: $(B)/unit/test_isa_encode $(MICA)
	$(B)/unit/test_isa_encode
	bash tests/unit/test_disasm.sh $(MICA) models/*.tflite

# The host link's framing (hw/link.json) alone.
.PHONY: test-link
$(B)/unit/test_link_frame: tests/unit/test_link_frame.c tests/unit/test_check.h $(LIBCORE) $(LIBPORT) $(GEN)/mica_link.h
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) $(CONTRACT_INC) $< $(LIBCORE) $(LIBPORT) -o $@
test-link: $(B)/unit/test_link_frame $(B)/unit/test_fmt
	$(B)/unit/test_link_frame
	$(B)/unit/test_fmt
# The core's own printf subset and number parsers against glibc's (firmware has neither).
$(B)/unit/test_fmt: tests/unit/test_fmt.c tests/unit/test_check.h $(LIBCORE) $(LIBPORT)
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) -Wno-format-truncation $(CONTRACT_INC) $< $(LIBCORE) $(LIBPORT) -o $@

# The board path without a board: link backend <-> Verilated board tops over every transport.
.PHONY: test-link-sim
test-link-sim: $(MICA) board-sim
	bash tests/e2e/family.sh
	bash tests/link/run.sh $(MICA)
	bash tests/link/stats_sets.sh

# The firmware path: Cortex-M4 firmware in QEMU, bit-exact through the mcu backend, fault cases.
.PHONY: test-firmware
test-firmware: $(MICA) board-sim firmware-objs
	bash tests/firmware/run.sh $(MICA)

# The SystemC/TLM-2.0 components and example platform (sim/systemc): bit-exact, example, faults.
.PHONY: test-systemc
test-systemc: $(MICA) systemc
	MICA=$(MICA) bash tests/systemc/run.sh
	PYTHON=$(PYTHON) bash tests/unit/test_cost_layers.sh $(MICA)

# mica sweep: local run with RTL confirmation, resume, and a real single-node Slurm array job.
.PHONY: test-sweep
test-sweep: $(MICA)
	MICA=$(MICA) PYTHON=$(PYTHON) bash tests/sweep/run.sh

# The compiler's passes alone (waits, arena, partition rules, tiling): no TensorFlow, no model file.
COMPILER_UNIT_TESTS := waits arena partition tiling family fuse
.PHONY: test-compiler-unit
$(B)/unit/test_compiler_%: tests/unit/test_compiler_%.c tests/unit/test_compiler_util.h tests/unit/test_check.h $(LIBCOMPILER) $(LIBTFLITE) $(LIBCORE) $(LIBPORT)
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) $(CONTRACT_INC) -Icompiler -Icompiler/base $< $(LIBCOMPILER) $(LIBTFLITE) $(LIBCORE) $(LIBPORT) -lm -o $@
test-compiler-unit: $(patsubst %,$(B)/unit/test_compiler_%,$(COMPILER_UNIT_TESTS))
	@for t in $^; do $$t || exit 1; done

test-unit: $(GEN)/mica_isa.h $(MICA) $(LIBFUNC) $(LIBCORE) $(LIBPORT)
	@mkdir -p $(B)/unit
	$(CC) -O2 -std=gnu99 -Wall -Wextra -Iinclude tests/unit/test_requant.c -lm -o $(B)/unit/test_requant
	$(B)/unit/test_requant
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_func_exact.c $(LIBFUNC) $(LIBCORE) $(LIBPORT) -lopenblas -lm -o $(B)/unit/test_func_exact
	$(B)/unit/test_func_exact
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_func_vector.c $(LIBFUNC) $(LIBCORE) $(LIBPORT) -lopenblas -lm -o $(B)/unit/test_func_vector
	$(B)/unit/test_func_vector
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_func_vecplan.c $(LIBFUNC) $(LIBCORE) $(LIBPORT) -lopenblas -lm -o $(B)/unit/test_func_vecplan
	$(B)/unit/test_func_vecplan
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_func_plan.c $(LIBFUNC) $(LIBCORE) $(LIBPORT) -lopenblas -lm -o $(B)/unit/test_func_plan
	$(B)/unit/test_func_plan
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_func_counts.c $(LIBFUNC) $(LIBCORE) $(LIBPORT) -lopenblas -lm -o $(B)/unit/test_func_counts
	$(B)/unit/test_func_counts
	PYTHON=$(PYTHON) bash tests/unit/test_func_kernels.sh $(MICA) $(sort $(wildcard models/*.tflite))
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_driver_errors.c $(LIBMICA) $(LIBSIM) $(SIM_LDFLAGS) -o $(B)/unit/test_driver_errors
	$(MICA) compile $(DIGITS) -o $(B)/unit/d16.mica >/dev/null
	$(MICA) compile $(DIGITS) -o $(B)/unit/d8.mica --array 8x8 >/dev/null
	$(MICA) compile models/ad_autoencoder.tflite -o $(B)/unit/ad.mica >/dev/null
	$(MICA) compile models/kws_dscnn.tflite -o $(B)/unit/kws.mica >/dev/null
	$(B)/unit/test_driver_errors $(B)/unit/d16.mica $(B)/unit/d8.mica $(B)/unit/ad.mica
	$(CC) -O2 -std=gnu99 -Wall -Wextra $(INC) tests/unit/test_isa_ref.c $(LIBMICA) $(LIBSIM) $(SIM_LDFLAGS) -o $(B)/unit/test_isa_ref
	$(B)/unit/test_isa_ref $(B)/unit/d16.mica $(B)/unit/d8.mica $(B)/unit/ad.mica $(B)/unit/kws.mica
	bash tests/unit/test_chain.sh $(MICA)
bench: $(MICA) board-sim firmware-objs systemc
	bash tests/bench/bench.sh

test-kernels: $(MICA)
	$(PYTHON) tests/kernels/make_cpu_op_models.py
	sh tests/kernels/run.sh
	$(PYTHON) tests/kernels/check_sum_int8.py $(MICA)
	sh tests/kernels/cortex_m4.sh
	sh tests/kernels/fuzz.sh 5000
	$(PYTHON) tests/kernels/make_int16_op_models.py
	sh tests/kernels/run_int16.sh
	$(PYTHON) tests/kernels/make_int16b_op_models.py
	sh tests/kernels/run_int16b.sh
	$(PYTHON) tests/kernels/make_int16c_op_models.py
	sh tests/kernels/run_int16b.sh $(B)/int16c_op_models
	$(PYTHON) tests/kernels/check_int16c_refusals.py $(MICA) $(B)/int16c_op_models
	$(PYTHON) tests/kernels/make_lstm_op_models.py
	sh tests/kernels/run_lstm.sh
	$(PYTHON) tests/kernels/make_lstm_op_models.py --int16
	PYTHON=$(PYTHON) sh tests/kernels/run_tflm_oracle.sh
	$(PYTHON) tests/kernels/make_int16d_op_models.py
	PYTHON=$(PYTHON) sh tests/kernels/run_tflm_oracle.sh $(B)/int16d_op_models 100
	$(PYTHON) tests/kernels/make_zeros_like_models.py
	PYTHON=$(PYTHON) sh tests/kernels/run_tflm_oracle.sh $(B)/zeros_like_models 20
	$(PYTHON) tests/kernels/check_accumulate_int8.py $(MICA)
	$(PYTHON) tests/kernels/check_elu_int8.py $(MICA)
	$(PYTHON) tests/kernels/check_ops3_refusals.py $(MICA) $(B)/cpu_op_models
	$(PYTHON) tests/kernels/check_accel_ops.py $(MICA) $(B)/accel_op_models
	$(PYTHON) tests/kernels/check_rowpack.py $(MICA) $(B)/rowpack_models
	$(PYTHON) tests/kernels/check_chains.py $(MICA) $(B)/chain_models
	$(PYTHON) tests/kernels/check_sigmoid16.py $(MICA)
	$(PYTHON) tests/kernels/check_int16_no_oracle.py
	$(PYTHON) tests/kernels/check_zeros_like_no_oracle.py

# IF, WHILE, CALL_ONCE and resource variables on TensorFlow-converted models (tests/subgraph/run.sh);
# the refusals run on the ASan build.
.PHONY: test-subgraph
test-subgraph: $(MICA) $(B)/mica-asan
	PYTHON=$(PYTHON) bash tests/subgraph/run.sh $(B)/subgraph_models

# Every generated op model on rtl and on the Cortex-M4 build (QEMU); not in `make test`
# (about 5 min on this 2-core VM: 40 s rtl, 3.2 min M4; tests/README.md).
.PHONY: test-kernels-targets
test-kernels-targets: $(MICA)
	$(PYTHON) tests/kernels/make_cpu_op_models.py
	$(PYTHON) tests/kernels/make_int16_op_models.py
	$(PYTHON) tests/kernels/make_lstm_op_models.py
	$(PYTHON) tests/kernels/make_int16b_op_models.py
	$(PYTHON) tests/kernels/make_int16c_op_models.py
	sh tests/kernels/run_targets.sh
	$(PYTHON) tests/kernels/make_lstm_op_models.py --int16
	$(PYTHON) tests/kernels/check_tflm_oracle.py $(MICA) --backends mcu:accel=none --count 3
	$(PYTHON) tests/kernels/make_int16d_op_models.py
	$(PYTHON) tests/kernels/check_tflm_oracle.py $(MICA) $(B)/int16d_op_models --backends mcu:accel=none --count 3
	$(PYTHON) tests/kernels/make_zeros_like_models.py
	$(PYTHON) tests/kernels/check_tflm_oracle.py $(MICA) $(B)/zeros_like_models --backends mcu:accel=none --count 3

# Robustness runs (tests/README.md gives their times); only test-asan is part of `make test`.
.PHONY: fuzz-long test-asan soak
fuzz-long: $(MICA)
	bash tests/fuzz/fuzz_long.sh

# The end-to-end suite with the mica command (compiler + libmica + CLI) under ASan + UBSan.
test-asan: $(B)/mica-asan $(MICA)
	MICA=$(B)/mica-asan bash tests/e2e/run.sh

soak: $(MICA) $(B)/soak/soak
	bash tests/soak/run.sh

# ---- make check: the fast tier (tests/check, tests/vectors; tests/README.md). No TensorFlow, no
# LiteRT; under a minute on 2 cores from a built tree (building is not timed). `make test` runs it.
.PHONY: check check-start check-vectors check-embed check-freestanding check-layers check-readmes \
        vectors format format-check
CHECK_PARTS := test-spec test-unit check-vectors check-embed check-mmio check-freestanding check-layers check-readmes
# >>> more fast unit tests (no TensorFlow, seconds) go here:
CHECK_PARTS += test-compiler-unit test-isa test-link format-check
check: check-start $(CHECK_PARTS)
	@echo "make check: PASS in $$(( ($$(date +%s%N) - $$(cat $(B)/check/start)) / 1000000 )) ms"

# Everything built first, then the clock starts.
check-start: $(MICA) $(LIBCORE) $(LIBMICA) $(LIBSIM) $(GEN)/mica_isa.h
	@mkdir -p $(B)/check && date +%s%N > $(B)/check/start

CHECK_VEC := tests/check/vecfile.c tests/check/vecfile.h
$(B)/check/check_vectors: tests/check/check_vectors.c $(CHECK_VEC) include/mica.h $(LIBMICA) $(LIBSIM)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -Iinclude -Itests/check $< tests/check/vecfile.c $(LIBMICA) $(LIBSIM) $(SIM_LDFLAGS) -o $@
# Links libmica_core.a and nothing else: no libmica.a, simulator, OpenBLAS or libstdc++.
$(B)/check/embed_core: tests/check/embed_core.c $(CHECK_VEC) $(HDRS) $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(CONTRACT_INC) -Itests/check $< tests/check/vecfile.c $(LIBCORE) -o $@

check-vectors: $(MICA) $(B)/check/check_vectors
	bash tests/check/check_vectors.sh
check-embed: $(MICA) $(B)/check/embed_core
	$(MICA) compile $(DIGITS) -o $(B)/check/embed_cpu.mica --cpu CONV_2D,FULLY_CONNECTED >/dev/null
	$(MICA) compile $(DIGITS) -o $(B)/check/embed_accel.mica >/dev/null
	$(B)/check/embed_core $(B)/check/embed_cpu.mica tests/vectors/digits.vec $(B)/check/embed_accel.mica
# The firmware's mmio device (driver/core/mmio_device.c) against the Verilated RTL on a host.
$(B)/check/mmio_host: tests/firmware/mmio_host.c $(CHECK_VEC) $(HDRS) $(LIBCORE) $(LIBSIM)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(CONTRACT_INC) -Isim -Itests/check $< tests/check/vecfile.c $(LIBCORE) $(LIBPORT) $(LIBSIM) -lstdc++ -lz -lpthread -lm -o $@
check-mmio: $(MICA) $(B)/check/mmio_host $(LIBPORT)
	$(MICA) compile $(DIGITS) -o $(B)/check/mmio_digits.mica >/dev/null
	$(MICA) compile models/kws_dscnn.tflite -o $(B)/check/mmio_kws.mica >/dev/null
	$(B)/check/mmio_host $(B)/check/mmio_digits.mica tests/vectors/digits.vec $(B)/check/mmio_kws.mica tests/vectors/kws_dscnn.vec
check-freestanding: $(LIBCORE)
	bash tests/check/check_freestanding.sh $(LIBCORE)
check-layers: $(GEN)/mica_isa.h
	$(PYTHON) tests/check/check_layers.py
check-readmes:
	$(PYTHON) tests/check/check_readme_tables.py

# The committed LiteRT vectors (tests/vectors/README.md); needs numpy and LiteRT. VECTORS_ARGS=--regen
# also makes the single-op models again with TensorFlow.
vectors:
	$(PYTHON) tests/vectors/make_vectors.py $(VECTORS_ARGS)

# clang-format (.clang-format) over the C sources; tflite_schema.* is generated.
FORMAT_FILES = $(shell find include driver compiler tests/unit tests/check -name '*.[ch]' ! -name 'tflite_schema.*' | sort)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	@n=0; for f in $(FORMAT_FILES); do clang-format "$$f" | cmp -s - "$$f" || { echo "would change: $$f"; n=$$((n + 1)); }; done; \
	if [ $$n -eq 0 ]; then echo "format-check: PASS"; else echo "format-check: $$n files would change (make format)"; exit 1; fi

# Energy: estimate vs RTL counters per layer on every model (5%), 22 nm vs 45 nm, bad --tech files.
.PHONY: test-energy
test-energy: $(MICA) board-sim
	PYTHON=$(PYTHON) bash tests/energy/run.sh
