/* Example application: keyword spotting on the MCU. Reads one input tensor (the KWS model's int8
 * MFCC features, raw bytes) from the console UART, runs the model with the accelerator board on
 * UART1 (falling back to the CPU when there is none), and prints the label and where it ran.
 *   mica compile models/kws_dscnn.tflite --emit-c kws_mica.c
 *   make -C firmware APP=kws MODEL_C=kws_mica.c APP_SRC=examples/kws.c */
#include <string.h>
#include "mica_fmt.h"
#include "mica_fw.h"
#include "mica_port.h"
#include "mps2.h"

extern const mica_program_t MICA_FW_MODEL;
#define MODEL (&MICA_FW_MODEL)

static const char *const labels[] = {"silence", "unknown", "yes", "no",  "up",  "down",
                                     "left",    "right",   "on",  "off", "stop", "go"};

static void say(const char *fmt, unsigned a, const char *b, const char *c) {
    char line[400];
    mica_snprintf(line, sizeof line, fmt, a, b, c);
    mps2_console_write(line);
}

int main(void) {
    mps2_uart_init(MPS2_UART0);
    const mica_prog_tensor_t *in_t = &MODEL->tensors[MODEL->inputs[0]];
    const mica_prog_tensor_t *out_t = &MODEL->tensors[MODEL->outputs[0]];
    int8_t *in = mica_port_alloc(in_t->bytes), *out = mica_port_alloc(out_t->bytes);
    if (!in || !out)
        return MPS2_EXIT_FAIL;
    for (uint32_t got = 0; got < in_t->bytes;) { /* the features, raw */
        long r = mps2_uart_read(MPS2_UART0, (uint8_t *)in + got, in_t->bytes - got, 60000);
        if (r <= 0) {
            mps2_console_write("kws: no input on the console\n");
            return MPS2_EXIT_FAIL;
        }
        got += (uint32_t)r;
    }
    mica_fw_t dev;
    mica_fw_transport_t t = {"link", "timeout_ms=50,tries=3", MICA_FW_FALLBACK_CPU};
    const void *ins[1] = {in};
    void *outs[1] = {out};
    mica_fw_init(&dev, &t);
    mica_status_t s = mica_fw_invoke(&dev, MODEL, ins, outs);
    if (s != MICA_OK) {
        say("kws: %u %s%s\n", (unsigned)s, mica_status_name(s), dev.why);
        return MPS2_EXIT_FAIL;
    }
    uint32_t best = 0;
    for (uint32_t i = 1; i < out_t->bytes; i++)
        best = out[i] > out[best] ? i : best;
    say("label %u (%s) on the %s\n", best, best < 12 ? labels[best] : "?",
        dev.on_cpu ? "CPU (no accelerator answered)" : "accelerator");
    mica_fw_close(&dev);
    return MPS2_EXIT_OK;
}
