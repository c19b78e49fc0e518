/* libFuzzer target: the host's reading of firmware messages (driver/backends/mcu/mcu_stream.c) on
 * any bytes, for a program shaped by the input's first bytes (steps, tensors and their sizes).
 * An accepted RESULT must lie wholly inside the payload: outputs and per-step figures before the
 * message, the message NUL-ended at the payload's last byte. */
#include <stdint.h>
#include <string.h>
#include "fuzz_common.h"
#include "mcu_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 4)
        return 0;
    static mica_prog_tensor_t tensors[4];
    static uint32_t inputs[2] = {0, 1}, outputs[2] = {2, 3};
    mica_program_t p;
    memset(&p, 0, sizeof p);
    p.hdr.nsteps = data[0] % 40;
    p.hdr.ninputs = 1 + data[1] % 2;
    p.hdr.noutputs = 1 + data[2] % 2;
    for (int i = 0; i < 4; i++)
        tensors[i].bytes = (uint32_t)data[3] * (uint32_t)(i + 1) % 300;
    p.tensors = tensors, p.inputs = inputs, p.outputs = outputs;
    const uint8_t *msg = data + 4;
    size_t len = size - 4;
    mcu_result_t r;
    char err[256];
    if (mcu_parse_result(&p, msg, len, &r, err, sizeof err) == 0) {
        size_t out = mcu_io_bytes(&p, p.outputs, p.hdr.noutputs);
        fuzz_require("fuzz_mcu", r.outputs == msg + 24 && r.steps == r.outputs + out &&
                                     (const uint8_t *)r.text == r.steps + 16 * p.hdr.nsteps &&
                                     strlen(r.text) == (size_t)(msg + len - 1 - (const uint8_t *)r.text),
                     "an accepted RESULT lies inside its payload", "");
    } else {
        fuzz_require_message("fuzz_mcu", err);
    }
    if (mcu_check_hello(&p, msg, len, err, sizeof err))
        fuzz_require_message("fuzz_mcu", err);
    return 0;
}
