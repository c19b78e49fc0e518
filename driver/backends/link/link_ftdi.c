/* Transport ftdi=BOARD: the board's FTDI UART through libftdi1 (USB, no kernel serial driver). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ftdi.h>
#include "link_transport.h"

/* libftdi's USB read timeout: the granularity at which fd_read-like waits notice time passing. */
#define USB_POLL_MS 5

static int ftdi_pipe_write(void *ctx, const uint8_t *buf, size_t n) {
    link_transport_t *t = ctx;
    while (n) {
        int chunk = n > 4096 ? 4096 : (int)n;
        int w = ftdi_write_data(t->ftdi, buf, chunk);
        if (w <= 0)
            return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

static long ftdi_pipe_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms) {
    link_transport_t *t = ctx;
    uint64_t until = link_now_ms(NULL) + timeout_ms;
    int want = cap > 4096 ? 4096 : (int)cap;
    for (;;) {
        int got = ftdi_read_data(t->ftdi, buf, want);
        if (got < 0)
            return -1; /* unplugged: libusb reports the device gone */
        if (got > 0)
            return got;
        if (link_now_ms(NULL) >= until)
            return 0;
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* libftdi's open errors, as what a person should check. */
static const char *open_hint(int rc) {
    switch (rc) {
    case -3:
        return "no such device on USB: check the cable and that the board is powered";
    case -4:
    case -8:
        return "cannot open the USB device: permissions (add a udev rule for it, or run as root)";
    case -5:
    case -6:
        return "cannot claim the interface: the kernel ftdi_sio driver or another program holds "
               "it (close it, or `rmmod ftdi_sio`)";
    default:
        return "libftdi could not open it";
    }
}

static int configure(struct ftdi_context *f, uint32_t baud) {
    return ftdi_set_baudrate(f, (int)baud) < 0 ||
           ftdi_set_line_property(f, BITS_8, STOP_BIT_1, NONE) < 0 ||
           ftdi_setflowctrl(f, SIO_DISABLE_FLOW_CTRL) < 0 || ftdi_set_latency_timer(f, 2) < 0 ||
           ftdi_tcioflush(f) < 0;
}

int link_open_ftdi(link_transport_t *t, const mica_board_t *b, uint32_t baud, char *err, size_t n) {
    struct ftdi_context *f = ftdi_new();
    if (!f) {
        snprintf(err, n, "link:ftdi=%s: libftdi could not start (out of memory?)", b->name);
        return -1;
    }
    char iface = (char)('A' + b->ftdi_interface - 1);
    int rc = ftdi_set_interface(f, (enum ftdi_interface)b->ftdi_interface);
    if (rc == 0)
        rc = ftdi_usb_open(f, b->usb_vid, b->usb_pid);
    if (rc < 0) {
        snprintf(err, n, "link:ftdi=%s: %s %04x:%04x interface %c: %s (libftdi: %s)", b->name,
                 b->usb_chip, b->usb_vid, b->usb_pid, iface, open_hint(rc),
                 ftdi_get_error_string(f));
        ftdi_free(f);
        return -1;
    }
    if (configure(f, baud)) {
        snprintf(err, n, "link:ftdi=%s: %s refuses %u baud 8N1: %s", b->name, b->usb_chip, baud,
                 ftdi_get_error_string(f));
        ftdi_usb_close(f);
        ftdi_free(f);
        return -1;
    }
    f->usb_read_timeout = USB_POLL_MS;
    t->ftdi = f;
    t->pipe.ctx = t;
    t->pipe.write = ftdi_pipe_write;
    t->pipe.read = ftdi_pipe_read;
    t->pipe.now_ms = link_now_ms;
    t->default_timeout_ms = 200;
    snprintf(t->what, sizeof t->what, "%s %04x:%04x interface %c at %u baud", b->usb_chip,
             b->usb_vid, b->usb_pid, iface, baud);
    return 0;
}

void link_close_ftdi(link_transport_t *t) {
    ftdi_usb_close(t->ftdi);
    ftdi_free(t->ftdi);
    t->ftdi = NULL;
}
