/* Mica TFLite model reader.
 *
 * Decodes a .tflite flatbuffer once, fully bounds-checked, into plain C structs;
 * the rest of the compiler never touches flatbuffer bytes. Only subgraph 0 is
 * decoded by tfl_model_read (nsubgraphs records how many the file has); tfl_model_read_subgraph
 * decodes another one the same way (the compiler reads each subgraph of a model with IF, WHILE or
 * CALL_ONCE as a model of its own, sharing buffers and operator codes).
 *
 * Memory: everything hangs off the tfl_model_t and is released by
 * tfl_model_free(). Tensor constant data (tfl_tensor_t.data) points into the
 * model bytes: into the caller's buffer for tfl_model_read() (keep it alive), or
 * into a copy owned by the model for tfl_model_load_file(). data may be
 * unaligned: read it with memcpy.
 */
#ifndef MICA_TFLITE_READER_H
#define MICA_TFLITE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "tflite_schema.h" /* TFL_OP_*, TFL_TYPE_*, TFL_OPTS_* (generated from schema) */

/* Largest model file tfl_model_load_file() reads (refused before reading): 256 MiB, far above
 * any model an edge accelerator runs, far below a flatbuffer's 2 GiB. */
#define TFL_MAX_FILE_BYTES (256u << 20)

#define TFL_MAX_RANK 8
#define TFL_OPT_MAX_SLOTS 24

/* Type of one options field, as written in the schema. */
enum tfl_field_kind {
    TFL_FK_NONE = 0, /* no such field id (deprecated / gap) */
    TFL_FK_BOOL,
    TFL_FK_I8,
    TFL_FK_U8,
    TFL_FK_I16,
    TFL_FK_U16,
    TFL_FK_I32,
    TFL_FK_U32,
    TFL_FK_I64,
    TFL_FK_U64, /* enums are stored as I8 */
    TFL_FK_F32,
    TFL_FK_VEC_I32, /* vector of int: decoded into vec/nvec */
    TFL_FK_OTHER    /* strings, float vectors: not decoded (present flag only) */
};

typedef struct {
    uint8_t present; /* field written in the file */
    uint8_t kind;    /* enum tfl_field_kind */
    int64_t i;       /* integer/bool/enum value; schema default when absent */
    float f;         /* float value; schema default when absent */
    int nvec;        /* TFL_FK_VEC_I32 only */
    int32_t *vec;
} tfl_opt_slot_t;

typedef struct {
    int nslots; /* number of field ids the schema defines for this options table */
    tfl_opt_slot_t slot[TFL_OPT_MAX_SLOTS];
} tfl_opt_t;

/* Field ids (schema order) of the options tables the compiler uses. */
enum {
    TFL_CONV2D_PADDING,
    TFL_CONV2D_STRIDE_W,
    TFL_CONV2D_STRIDE_H,
    TFL_CONV2D_ACTIVATION,
    TFL_CONV2D_DILATION_W,
    TFL_CONV2D_DILATION_H,
    TFL_CONV2D_QUANTIZED_BIAS_TYPE
};
enum {
    TFL_DWCONV_PADDING,
    TFL_DWCONV_STRIDE_W,
    TFL_DWCONV_STRIDE_H,
    TFL_DWCONV_DEPTH_MULTIPLIER,
    TFL_DWCONV_ACTIVATION,
    TFL_DWCONV_DILATION_W,
    TFL_DWCONV_DILATION_H
};
enum {
    TFL_FC_ACTIVATION,
    TFL_FC_WEIGHTS_FORMAT,
    TFL_FC_KEEP_NUM_DIMS,
    TFL_FC_ASYMMETRIC_QUANTIZE_INPUTS,
    TFL_FC_QUANTIZED_BIAS_TYPE
};
enum {
    TFL_POOL_PADDING,
    TFL_POOL_STRIDE_W,
    TFL_POOL_STRIDE_H,
    TFL_POOL_FILTER_W,
    TFL_POOL_FILTER_H,
    TFL_POOL_ACTIVATION
};
enum { TFL_TCONV_PADDING, TFL_TCONV_STRIDE_W, TFL_TCONV_STRIDE_H, TFL_TCONV_ACTIVATION };
enum { TFL_BMM_ADJ_X, TFL_BMM_ADJ_Y };
enum { TFL_SOFTMAX_BETA };
enum { TFL_ADD_ACTIVATION, TFL_ADD_POT_SCALE_INT16 };
enum { TFL_SUB_ACTIVATION, TFL_SUB_POT_SCALE_INT16 };
enum { TFL_MUL_ACTIVATION };
enum { TFL_RESHAPE_NEW_SHAPE };
enum { TFL_SQUEEZE_DIMS };
enum { TFL_CONCAT_AXIS, TFL_CONCAT_ACTIVATION };
enum { TFL_REDUCER_KEEP_DIMS };
enum {
    TFL_SSLICE_BEGIN_MASK,
    TFL_SSLICE_END_MASK,
    TFL_SSLICE_ELLIPSIS_MASK,
    TFL_SSLICE_NEW_AXIS_MASK,
    TFL_SSLICE_SHRINK_AXIS_MASK,
    TFL_SSLICE_OFFSET
};
enum { TFL_LEAKY_RELU_ALPHA };
enum { TFL_RESIZE_NN_ALIGN_CORNERS, TFL_RESIZE_NN_HALF_PIXEL_CENTERS };
/* TransposeOptions and PadOptions have no fields. */

/* Schema defaults (use as dflt in the accessors). */
#define TFL_DFLT_DILATION 1
#define TFL_DFLT_POT_SCALE_INT16 1
/* Every other field of the tables above defaults to 0 / false / 0.0f. */

/* Padding and ActivationFunctionType enum values. */
enum { TFL_PADDING_SAME = 0, TFL_PADDING_VALID = 1 };
enum {
    TFL_ACT_NONE = 0,
    TFL_ACT_RELU = 1,
    TFL_ACT_RELU_N1_TO_1 = 2,
    TFL_ACT_RELU6 = 3,
    TFL_ACT_TANH = 4,
    TFL_ACT_SIGN_BIT = 5
};

typedef struct {
    int type; /* TensorType enum value (TFL_TYPE_*) */
    int rank;
    int32_t dims[TFL_MAX_RANK];
    const uint8_t *data; /* constant data or NULL; may be unaligned */
    size_t data_size;
    int nquant; /* 0 = not quantized; 1 = per tensor; >1 = per axis quant_dim */
    float *scale;
    int64_t *zero_point;
    int quant_dim;
    char *name; /* never NULL ("" when absent) */
    int is_variable;
    uint32_t buffer;        /* index into the model's buffer table */
    int quant_details_type; /* QuantizationDetails union type; non-zero = custom scheme */
    int is_sparse;          /* sparsity parameters present (data is not dense) */
    int dynamic;            /* shape_signature has a -1: dims holds placeholders there */
} tfl_tensor_t;

typedef struct {
    int builtin;       /* BuiltinOperator: max(deprecated_builtin_code, builtin_code) */
    char *custom_code; /* NULL unless the operator code has one */
    int version;
    int ninputs;
    int32_t *inputs; /* -1 = absent optional input */
    int noutputs;
    int32_t *outputs;
    int options_type; /* BuiltinOptions union type (TFL_OPTS_*), 0 = none */
    int has_options;  /* the options table itself is in the file (TFLite zero-fills it otherwise) */
    tfl_opt_t opt;
    int opcode_index;
    int options2_type; /* BuiltinOptions2 union type (not decoded), 0 = none */
    int has_custom_options;
    char *var_container, *var_shared_name; /* VAR_HANDLE's strings; NULL for other operators */
    int nintermediates; /* tensors the converter attaches for the kernel's Prepare (LSTM scales) */
    int32_t *intermediates;
} tfl_op_t;

typedef struct {
    uint32_t version; /* schema version (always 3 after a successful read) */
    char *description;
    int nsubgraphs; /* the file's count; only subgraph 0 is decoded */
    char *subgraph_name;
    int ntensors;
    tfl_tensor_t *tensors;
    int nops;
    tfl_op_t *ops;
    int ninputs;
    int32_t *inputs;
    int noutputs;
    int32_t *outputs;
    int nbuffers;
    int nopcodes;
    int has_identifier;    /* 1 when the file carries "TFL3" */
    int subgraph_index;    /* which subgraph this is */
    const uint8_t *source; /* the bytes decoded (tfl_model_read's buffer or file_bytes) */
    size_t source_size;
    /* internals */
    void *alloc_list;
    uint8_t *file_bytes; /* owned copy (tfl_model_load_file only) */
    size_t file_size;
} tfl_model_t;

/* Decode buf[0..len). 0 on success; otherwise -1, *out = NULL and err holds one
 * line naming the problem. Tensor data points into buf. */
int tfl_model_read(const uint8_t *buf, size_t len, tfl_model_t **out, char *err, size_t errlen);
/* Decode subgraph index of buf (0..nsubgraphs-1) like tfl_model_read decodes subgraph 0. */
int tfl_model_read_subgraph(const uint8_t *buf, size_t len, int index, tfl_model_t **out, char *err,
                            size_t errlen);
/* Read a file and decode it; the model keeps the file bytes alive. */
int tfl_model_load_file(const char *path, tfl_model_t **out, char *err, size_t errlen);
void tfl_model_free(tfl_model_t *model);

/* Options accessors, as TFLite reads them: a field the table leaves out has its schema
 * default. dflt when the whole table is absent (TFLite then sees zeros: callers that need
 * a table check has_options), the id is out of range or the field has the wrong kind. */
int64_t tfl_opt_int(const tfl_op_t *op, int field, int64_t dflt);
float tfl_opt_float(const tfl_op_t *op, int field, float dflt);
/* Int vector field (e.g. ReshapeOptions.new_shape); NULL/0 when absent. */
const int32_t *tfl_opt_vec(const tfl_op_t *op, int field, int *count);
int tfl_opt_present(const tfl_op_t *op, int field);

const char *tfl_builtin_name(int builtin); /* "UNKNOWN" for unknown values */
const char *tfl_type_name(int type);
const char *tfl_options_name(int options_type);
/* Element size in bytes of a tensor type, 0 when unknown/variable (STRING, INT4...). */
int tfl_type_size(int type);
/* Product of dims; -1 on overflow past INT64 range or negative dims. */
int64_t tfl_tensor_elements(const tfl_tensor_t *t);

#endif
