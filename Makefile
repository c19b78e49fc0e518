# Mica top-level build. Everything non-interactive; outputs under build/.
#   make            build the mica command (compiler + libmica with rtl and func backends)
#   make demo       the main job: digits model compiled, run on the RTL simulator, verified
#   make test       every test (RTL, lint, synthesis, simulator, compiler, runtime, end to end)
#   make bench      benchmarks (ratios against peers measured in the same run)
ROOT    := $(abspath .)
B       := $(ROOT)/build
GEN     := $(B)/gen
CC      ?= gcc
CFLAGS  ?= -O2 -g
WARN    := -std=gnu99 -Wall -Wextra -Wshadow
INC     := -I$(GEN) -Idriver -Icompiler -Isim
PYTHON  ?= python3
export PYTHON

DRIVER_SRCS  := driver/runtime.c driver/program.c driver/cpu_steps.c driver/options.c \
                driver/backend_func.c driver/func_model.c driver/func_requant.c driver/func_plan.c driver/func_vector.c \
                driver/func_translate.c driver/func_pack.c \
                driver/backend_rtl.c driver/cost.c
KERNEL_SRCS  := $(wildcard driver/kernels/*.c)
COMPILER_SRCS := compiler/builder.c compiler/quant.c compiler/lower.c compiler/lower_gemm.c compiler/waits.c \
                 compiler/lower_conv_fc.c compiler/lower_pool.c compiler/lower_add.c compiler/writer.c compiler/partition.c compiler/arena.c compiler/report.c \
                 compiler/validate.c compiler/validate_ops.c compiler/validate_data.c compiler/escape.c \
                 $(wildcard compiler/cpu_ops/*.c)
CLI_SRCS     := $(wildcard driver/cli/*.c)
HDRS         := $(wildcard driver/*.h driver/kernels/*.h driver/cli/*.h compiler/*.h compiler/cpu_ops/*.h) $(GEN)/mica_isa.h

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
LIBMICA     := $(B)/libmica.a
LIBCOMPILER := $(B)/libmicacompiler.a
LIBSIM      := $(B)/sim/libmicasim.a
LIBTFLITE   := $(B)/tflite/libtflite_reader.a
MICA        := $(B)/mica
SIM_LDFLAGS := -lstdc++ -lz -lpthread -lm -lopenblas

.PHONY: all gen demo test bench fuzz clean sim tflite FORCE
all: $(MICA)

gen: $(GEN)/mica_isa.h
$(GEN)/mica_isa.h $(GEN)/mica_pkg.sv: hw/mica.json hw/gen.py
	$(PYTHON) hw/gen.py hw/mica.json $(GEN)

$(B)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(INC) -DMICA_SOURCE_DIR='"$(ROOT)"' -c $< -o $@

# The functional model's inner loops (int8 -> float gathers, accumulation) want vectorizing.
$(B)/obj/driver/func_model.o $(B)/obj/driver/func_requant.o $(B)/obj/driver/func_plan.o \
$(B)/obj/driver/func_vector.o: CFLAGS += -O3

$(LIBMICA): $(call obj,$(DRIVER_SRCS) $(KERNEL_SRCS))
	rm -f $@ && ar rcs $@ $^
$(LIBCOMPILER): $(call obj,$(COMPILER_SRCS))
	rm -f $@ && ar rcs $@ $^

# The sub-builds decide themselves whether anything changed.
$(LIBSIM): FORCE $(GEN)/mica_pkg.sv
	+@$(MAKE) --no-print-directory -C sim
$(LIBTFLITE): FORCE
	+@$(MAKE) --no-print-directory -C compiler/tflite all

$(MICA): $(call obj,$(CLI_SRCS)) $(LIBCOMPILER) $(LIBTFLITE) $(LIBMICA) $(LIBSIM)
	$(CC) $(CFLAGS) $^ $(SIM_LDFLAGS) -o $@

DIGITS := models/digits.tflite
demo: $(MICA) $(B)/digits_test_x.npy
	@echo "== compile =="
	$(MICA) compile $(DIGITS) -o $(B)/digits.mica
	@echo "== run one input on the RTL simulator =="
	$(MICA) run $(B)/digits.mica --backend rtl --seed 7 --output-dir $(B)
	@echo "== verify 200 random inputs against LiteRT (BUILTIN_REF) on the RTL =="
	$(MICA) verify $(DIGITS) --backend rtl --count 200
	@echo "== accuracy on the held-back digits, RTL vs LiteRT =="
	$(MICA) verify $(DIGITS) --backend rtl --inputs $(B)/digits_test_x.npy --labels $(B)/digits_test_y.npy
	$(PYTHON) models/make_digits.py --report-only

$(B)/digits_test_x.npy: models/digits_test.npz tests/tools/npz_split.py
	@mkdir -p $(B)
	$(PYTHON) tests/tools/npz_split.py models/digits_test.npz x_int8:$(B)/digits_test_x.npy labels:$(B)/digits_test_y.npy

include tests/tests.mk

clean:
	rm -rf build
FORCE:

# The mica command under AddressSanitizer + UBSan, for the bad-input tests.
ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TFLITE_SRCS := $(addprefix compiler/tflite/,fb.c tflite_reader.c tflite_tensor.c tflite_options.c tflite_schema.c)
$(B)/mica-asan: $(CLI_SRCS) $(COMPILER_SRCS) $(DRIVER_SRCS) $(KERNEL_SRCS) $(TFLITE_SRCS) $(HDRS) $(LIBSIM)
	$(CC) $(WARN) -O1 -g $(ASAN) $(INC) -DMICA_SOURCE_DIR='"$(ROOT)"' $(CLI_SRCS) $(COMPILER_SRCS) \
	    $(DRIVER_SRCS) $(KERNEL_SRCS) $(TFLITE_SRCS) $(LIBSIM) $(SIM_LDFLAGS) -o $@

# libFuzzer target for the program loader and CPU kernel parameter checks (tests/fuzz).
$(B)/fuzz_program_bin: tests/fuzz/fuzz_program.c driver/program.c $(KERNEL_SRCS) $(HDRS)
	clang -std=gnu99 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(INC) \
	    tests/fuzz/fuzz_program.c driver/program.c $(KERNEL_SRCS) -o $@

fuzz: $(MICA)
	bash tests/corrupt/fuzz_short.sh $${FUZZ_SECONDS:-1800}
	bash tests/fuzz/fuzz_short.sh $${FUZZ_SECONDS:-1800}
