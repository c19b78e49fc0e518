/* Firmware that serves `mica verify --backend mcu:...`: it runs the model linked in (MICA_FW_MODEL,
 * from `mica compile --emit-c`) for each input set the host streams over the console UART, and
 * answers with the outputs, the status and per-step figures (include/mica_fw_stream.h). */
#include <string.h>
#include "mica_fmt.h"
#include "mica_fw.h"
#include "mica_fw_stream.h"
#include "mica_port.h"
#include "mps2.h"

#ifndef MICA_FW_MODEL
#error "build with -DMICA_FW_MODEL=<the symbol mica compile --emit-c defined>"
#endif
extern const mica_program_t MICA_FW_MODEL;
#define MODEL (&MICA_FW_MODEL)

#define IDLE_TIMEOUT_MS 600000u /* for the next message to begin */
#define BYTE_TIMEOUT_MS 10000u  /* within a message */

static int read_exact(uint8_t *p, size_t n, uint32_t first_timeout_ms) {
    for (size_t got = 0; got < n;) {
        long r = mps2_uart_read(MPS2_UART0, p + got, n - got, got ? BYTE_TIMEOUT_MS : first_timeout_ms);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* One message into buf (cap bytes): its type and length, or -1 (timeout, damage, too long). */
static int read_message(uint8_t *buf, size_t cap, uint32_t *type, uint32_t *len) {
    uint8_t h[MICA_FW_HEADER_BYTES], crc[4];
    if (read_exact(h, sizeof h, IDLE_TIMEOUT_MS) || memcmp(h, MICA_FW_MAGIC, 4))
        return -1;
    *type = mica_fw_get32(h + 4);
    *len = mica_fw_get32(h + 8);
    if (*len > cap || read_exact(buf, *len, BYTE_TIMEOUT_MS) || read_exact(crc, 4, BYTE_TIMEOUT_MS))
        return -1;
    return mica_fw_get32(crc) == mica_fw_crc(h, buf, *len) ? 0 : -1;
}

static void write_message(uint32_t type, const uint8_t *payload, size_t len) {
    uint8_t h[MICA_FW_HEADER_BYTES], crc[4];
    memcpy(h, MICA_FW_MAGIC, 4);
    mica_fw_put32(h + 4, type);
    mica_fw_put32(h + 8, (uint32_t)len);
    mica_fw_put32(crc, mica_fw_crc(h, payload, len));
    mps2_uart_write(MPS2_UART0, h, sizeof h);
    mps2_uart_write(MPS2_UART0, payload, len);
    mps2_uart_write(MPS2_UART0, crc, sizeof crc);
}

static size_t io_bytes(const uint32_t *index, uint32_t n) {
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += MODEL->tensors[index[i]].bytes;
    return total;
}

static void send_hello(size_t in_bytes, size_t out_bytes) {
    uint8_t p[20];
    mica_fw_put32(p, MODEL->hdr.nsteps);
    mica_fw_put32(p + 4, MODEL->hdr.ninputs);
    mica_fw_put32(p + 8, MODEL->hdr.noutputs);
    mica_fw_put32(p + 12, (uint32_t)in_bytes);
    mica_fw_put32(p + 16, (uint32_t)out_bytes);
    write_message(MICA_FW_HELLO, p, sizeof p);
}

/* RESULT: status, fallback flag, link bytes and pool use, outputs (already in place), per-step
 * figures, the message. */
static void send_result(mica_fw_t *dev, mica_status_t s, uint8_t *buf, size_t out_bytes,
                        const uint64_t link0[2]) {
    uint32_t n = MODEL->hdr.nsteps;
    uint8_t *p = buf + MICA_FW_RESULT_HEAD + out_bytes;
    uint64_t link[2];
    mps2_link_bytes(link);
    mica_fw_put32(buf, (uint32_t)s);
    mica_fw_put32(buf + 4, (uint32_t)dev->on_cpu);
    mica_fw_put32(buf + 8, n);
    mica_fw_put32(buf + 12, (uint32_t)(link[0] - link0[0]));
    mica_fw_put32(buf + 16, (uint32_t)(link[1] - link0[1]));
    mica_fw_put32(buf + 20, (uint32_t)mps2_pool_peak());
    for (uint32_t i = 0; i < n; i++, p += 16) {
        mica_layer_info_t L;
        memset(&L, 0, sizeof L);
        mica_fw_layer(dev, (int)i, &L);
        mica_fw_put32(p, (uint32_t)L.cycles), mica_fw_put32(p + 4, (uint32_t)(L.cycles >> 32));
        mica_fw_put32(p + 8, (uint32_t)L.host_ns), mica_fw_put32(p + 12, (uint32_t)(L.host_ns >> 32));
    }
    size_t text = strlen(dev->why) + 1;
    memcpy(p, dev->why, text);
    write_message(MICA_FW_RESULT, buf, (size_t)(p - buf) + text);
}

static mica_status_t serve(mica_fw_t *dev, uint8_t *buf, size_t cap, size_t in_bytes,
                           size_t out_bytes) {
    const void *in[MICA_STEP_MAX_IO * 4];
    void *out[MICA_STEP_MAX_IO * 4];
    uint32_t type, len;
    if (MODEL->hdr.ninputs > sizeof in / sizeof in[0] || MODEL->hdr.noutputs > sizeof out / sizeof out[0])
        return MICA_E_ARG;
    while (!read_message(buf, cap, &type, &len)) {
        if (type == MICA_FW_QUIT)
            return MICA_OK;
        if (type != MICA_FW_INVOKE || len != in_bytes)
            return MICA_E_ARG;
        /* Inputs at the end of buf, outputs written where RESULT carries them. */
        uint8_t *src = buf + cap - in_bytes, *dst = buf + MICA_FW_RESULT_HEAD;
        memmove(src, buf, in_bytes);
        for (uint32_t i = 0; i < MODEL->hdr.ninputs; src += MODEL->tensors[MODEL->inputs[i++]].bytes)
            in[i] = src;
        for (uint32_t i = 0; i < MODEL->hdr.noutputs; dst += MODEL->tensors[MODEL->outputs[i++]].bytes)
            out[i] = dst;
        uint64_t link0[2];
        mps2_link_bytes(link0);
        mica_status_t s = mica_fw_invoke(dev, MODEL, in, out);
        send_result(dev, s, buf, out_bytes, link0);
    }
    return MICA_E_IO;
}

int main(void) {
    mps2_uart_init(MPS2_UART0);
    size_t in_bytes = io_bytes(MODEL->inputs, MODEL->hdr.ninputs);
    size_t out_bytes = io_bytes(MODEL->outputs, MODEL->hdr.noutputs);
    size_t result = MICA_FW_RESULT_HEAD + out_bytes + 16u * MODEL->hdr.nsteps + 512;
    size_t cap = result + in_bytes + 512; /* RESULT's area, then room for the inputs */
    uint8_t *buf = mica_port_alloc(cap);
    uint32_t type, len;
    if (!buf || read_message(buf, cap, &type, &len) || type != MICA_FW_SETUP || len < 5 ||
        buf[len - 1]) {
        mps2_console_write("mica firmware: no SETUP message from the host\n");
        return MPS2_EXIT_FAIL;
    }
    char spec[300], *colon;
    mica_snprintf(spec, sizeof spec, "%s", (const char *)buf + 4);
    colon = strchr(spec, ':');
    if (colon)
        *colon = 0;
    mica_fw_t dev;
    mica_fw_transport_t t = {spec, colon ? colon + 1 : "", (mica_fw_fallback_t)mica_fw_get32(buf)};
    if (mica_fw_init(&dev, &t) != MICA_OK)
        return MPS2_EXIT_FAIL;
    mica_fw_prepare(&dev, MODEL); /* the image goes over now; a failure shows at the invoke */
    send_hello(in_bytes, out_bytes);
    mica_status_t s = serve(&dev, buf, cap, in_bytes, out_bytes);
    mica_fw_close(&dev);
    return s == MICA_OK ? MPS2_EXIT_OK : MPS2_EXIT_FAIL;
}
