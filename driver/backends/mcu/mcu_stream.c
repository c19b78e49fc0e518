/* Reading the firmware's messages (mcu_stream.h). */
#include <stdio.h>
#include <string.h>
#include "mcu_stream.h"
#include "mica_fw_stream.h"

size_t mcu_io_bytes(const mica_program_t *p, const uint32_t *index, uint32_t n) {
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += p->tensors[index[i]].bytes;
    return total;
}

int mcu_parse_result(const mica_program_t *p, const uint8_t *r, size_t len, mcu_result_t *out,
                     char *err, size_t n) {
    size_t outputs = mcu_io_bytes(p, p->outputs, p->hdr.noutputs), steps = p->hdr.nsteps;
    size_t fixed = MICA_FW_RESULT_HEAD + outputs + 16 * steps;
    if (len < fixed + 1 || mica_fw_get32(r + 8) != steps || r[len - 1] ||
        memchr(r + fixed, 0, len - fixed) != r + len - 1) {
        snprintf(err, n,
                 "mcu: malformed RESULT from the firmware (%zu bytes; %zu before the "
                 "message for %zu steps)",
                 len, fixed, steps);
        return -1;
    }
    out->status = mica_fw_get32(r);
    out->on_cpu = mica_fw_get32(r + 4);
    out->link_tx = mica_fw_get32(r + 12);
    out->link_rx = mica_fw_get32(r + 16);
    out->pool_peak = mica_fw_get32(r + 20);
    out->outputs = r + MICA_FW_RESULT_HEAD;
    out->steps = out->outputs + outputs;
    out->text = (const char *)r + fixed;
    return 0;
}

int mcu_check_hello(const mica_program_t *p, const uint8_t *h, size_t len, char *err, size_t n) {
    int ok = len == 20 && mica_fw_get32(h) == p->hdr.nsteps &&
             mica_fw_get32(h + 4) == p->hdr.ninputs && mica_fw_get32(h + 8) == p->hdr.noutputs &&
             mica_fw_get32(h + 12) == mcu_io_bytes(p, p->inputs, p->hdr.ninputs) &&
             mica_fw_get32(h + 16) == mcu_io_bytes(p, p->outputs, p->hdr.noutputs);
    if (!ok)
        snprintf(err, n, "mcu: the firmware's HELLO does not describe the loaded program");
    return ok ? 0 : -1;
}
