/* Step operator names (mica_ops.h). */
#include "mica_ops.h"
#include "mica_kernels.h"
#include "mica_control.h"

const char *mica_step_op_name(const mica_prog_step_t *st) {
    const char *name = "UNKNOWN";
    if (st->kind == MICA_STEP_ACCEL) {
#define MICA_ACCEL_OP_CASE(code, name_)                                                            \
    if (st->op == (code))                                                                          \
        return #name_;
        MICA_ACCEL_OP_LIST(MICA_ACCEL_OP_CASE)
#undef MICA_ACCEL_OP_CASE
        return "ACCEL_OP";
    }
    if (st->kind == MICA_STEP_CTRL)
        return mica_ctrl_op_name(st->op);
    mica_kernel_find(st->op, &name);
    return name;
}
