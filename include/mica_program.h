/* Mica program binary (.mica): what the compiler writes and the driver loads.
 *
 * Little-endian, all offsets are file offsets, every section 8-byte aligned.
 *   header | image | tensors[] | steps[] | inputs[] | outputs[] | params blob
 * External memory map: the activation arena [arena_addr, +arena_size) where every tensor lives at
 * a fixed address, then the image [image_addr, +image_size): every constant (weights, requant
 * parameters) followed by the instruction stream. The driver copies the image once at load.
 * A program runs as a list of steps: ACCEL steps run an instruction range (ending in END) on the
 * accelerator, CPU steps run a fallback kernel in the driver on arena tensors, CTRL steps (only in
 * format 3, include/mica_control.h) run other step ranges: a model's subgraphs.
 *
 * Integrity (format 2): file_size is the length of the whole file and checksum its CRC-32
 * (IEEE 802.3, the zlib/PNG polynomial) computed with the checksum field read as zero. The
 * loader checks magic, format, size and checksum before it reads any other field, so a damaged
 * file (a flipped bit in the weights, the code or a table) is refused instead of running with a
 * different result. A program file is at most MICA_PROG_MAX_BYTES (the loader refuses larger
 * files before reading them) and needs at most 1 GiB of external memory (ext_size).
 */
#ifndef MICA_PROGRAM_H
#define MICA_PROGRAM_H
#include <stddef.h>
#include <stdint.h>

#define MICA_PROG_MAGIC "MICAPRG1"
#define MICA_PROG_FORMAT 2u
#define MICA_PROG_MAX_BYTES (256u << 20) /* 256 MiB: largest program file a driver loads */
#define MICA_NAME_LEN 48
#define MICA_MAX_RANK 6
#define MICA_STEP_MAX_IO 4

typedef struct {
    char magic[8];         /* MICA_PROG_MAGIC */
    uint32_t format;       /* MICA_PROG_FORMAT */
    uint32_t spec_version; /* MICA_SPEC_VERSION of the ISA it was compiled for */
    uint32_t rows, cols;   /* array the code was tiled for */
    uint32_t aspad_depth, wspad_depth, acc_depth, param_sets, bus_bytes;
    uint32_t ext_size; /* external memory needed: image + arena */
    uint32_t image_offset, image_size;
    uint32_t tensors_offset, ntensors;
    uint32_t steps_offset, nsteps;
    uint32_t inputs_offset, ninputs; /* uint32 tensor indices */
    uint32_t outputs_offset, noutputs;
    uint32_t params_offset, params_size;
    uint32_t arena_addr, arena_size;
    uint32_t code_addr, code_count; /* instruction 0 in external memory; total count */
    uint32_t image_addr;            /* external address the image is loaded at */
    uint32_t file_size;             /* bytes in the whole file */
    uint32_t checksum;              /* CRC-32 of the whole file, this field read as zero */
    /* The configuration family (hw/mica.json REQ_LANES, ABSENT), in what was a reserved zero
     * word, so a program for the full configuration keeps its bytes: */
    uint16_t req_lanes; /* requantization lanes the estimates assume; 0 = cols */
    uint8_t absent;     /* MICA_FEATURE_* the target lacks (its code never uses them); 0 = none */
    uint8_t req_mul_cycles; /* requantization multiply cycles the estimates assume; 0 = 1 */
} mica_prog_header_t;

/* INT8 and INT16 are activation types (int16: 16-bit activation models, SVDF state); the others
 * appear only at a model's edges: FLOAT32 inputs a QUANTIZE reads and outputs a DEQUANTIZE writes
 * (such a tensor's scale and zero point are the quantized side's, for generating inputs),
 * INT32/INT64 outputs an ARG_MAX or ARG_MIN writes. */
typedef enum {
    MICA_DT_INT8 = 1,
    MICA_DT_INT32 = 2,
    MICA_DT_FLOAT32 = 3,
    MICA_DT_INT64 = 4,
    MICA_DT_INT16 = 5
} mica_dtype_t;
#define MICA_DT_TYPE_MASK 0xFFu
/* A tensor's dtype field may carry this flag: a variable tensor (an SVDF activation state) that
 * keeps its value from one invoke to the next; the runtime zeroes it at load and on
 * mica_reset_state(). No other tensor shares its memory. */
#define MICA_DT_STATE 0x100u
/* An int32 model input holding run-time indices (GATHER indices, EMBEDDING_LOOKUP ids): its
 * zero_point field carries the number of valid values n (indices 0..n-1; TFLite fails the invoke
 * on any other), so tools that make inputs (mica verify) draw inside. */
#define MICA_DT_INDEX 0x200u

/* Bytes per element of a mica_dtype_t (0 for an unknown type). */
static inline uint32_t mica_dtype_bytes(uint32_t dtype) {
    switch (dtype & MICA_DT_TYPE_MASK) {
    case MICA_DT_INT8:
        return 1;
    case MICA_DT_INT16:
        return 2;
    case MICA_DT_INT32:
    case MICA_DT_FLOAT32:
        return 4;
    case MICA_DT_INT64:
        return 8;
    default:
        return 0;
    }
}

typedef struct {
    char name[MICA_NAME_LEN];
    uint32_t dtype; /* mica_dtype_t, optionally | MICA_DT_STATE or MICA_DT_INDEX */
    uint32_t rank;
    int32_t dims[MICA_MAX_RANK];
    float scale;
    int32_t zero_point;
    uint32_t addr; /* external memory address (in the arena) */
    uint32_t bytes;
} mica_prog_tensor_t;

/* CTRL: IF / WHILE / CALL_ONCE over regions of the step table (mica_control.h, format 3). */
typedef enum { MICA_STEP_ACCEL = 1, MICA_STEP_CPU = 2, MICA_STEP_CTRL = 3 } mica_step_kind_t;

typedef struct {
    char name[MICA_NAME_LEN]; /* layer name for reports */
    uint32_t kind;            /* mica_step_kind_t */
    uint32_t op; /* ACCEL: TFLite builtin code; CPU: kernel id (kernels/mica_kernels.h) */
    uint32_t instr_first, instr_count; /* ACCEL: instruction range, last one is END */
    uint32_t ninputs, noutputs;
    int32_t inputs[MICA_STEP_MAX_IO], outputs[MICA_STEP_MAX_IO]; /* tensor indices */
    uint32_t params_offset, params_size; /* CPU: kernel parameters inside the params blob */
    uint64_t macs;                       /* multiply-accumulates of the layer (reports) */
    uint64_t est_cycles;                 /* compiler's estimate (reports) */
} mica_prog_step_t;

/* The loaded form: from a file by the validating parser (driver/core/program.c), or as constant
 * C data written by `mica compile --emit-c` for firmware, which needs neither a file system nor
 * the parser (the compiler made the data; the runtime still checks it against the device). */
typedef struct mica_program {
    mica_prog_header_t hdr;
    const uint8_t *image;
    const mica_prog_tensor_t *tensors;
    const mica_prog_step_t *steps;
    const uint32_t *inputs, *outputs;
    const uint8_t *params;
    uint8_t *blob; /* owned copy of the file (mica_port_alloc); NULL for emitted programs */
} mica_program_t;

/* Copies bytes, validates every offset, count and index. 0, or -1 with a one-line message. */
int mica_program_parse(const void *bytes, size_t len, mica_program_t *out, char *err,
                       size_t errlen);
void mica_program_free(mica_program_t *p);

/* Loads an emitted program (constant data, blob NULL) like mica_load loads a file: the runtime
 * borrows *p and the data it points to, which must outlive the context's use of it. */
#include "mica.h"
mica_status_t mica_load_program(mica_ctx_t *ctx, const mica_program_t *p);

/* CRC-32 of a program file with its checksum field read as zero (mica_program.h). */
uint32_t mica_program_checksum(const void *bytes, size_t len);
/* Writes file_size and checksum into a program file's header (len >= the header size): the
 * compiler's last step, and what tests do after editing a program on purpose. */
void mica_program_seal(void *bytes, size_t len);

#endif
