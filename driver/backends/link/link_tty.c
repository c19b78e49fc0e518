/* Transport tty=PATH: any USB-UART through the kernel's serial driver (ftdi_sio, cp210x, ...). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "link_transport.h"
#include "mica_escape.h"

/* termios names speeds by constant, not number: the ones USB-UARTs take. */
static const struct {
    uint32_t baud;
    speed_t code;
} speeds[] = {{9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
              {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
              {921600, B921600},   {1000000, B1000000}, {1500000, B1500000}, {2000000, B2000000},
              {2500000, B2500000}, {3000000, B3000000}, {3500000, B3500000}, {4000000, B4000000}};

static int speed_code(uint32_t baud, speed_t *code) {
    for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
        if (speeds[i].baud == baud) {
            *code = speeds[i].code;
            return 0;
        }
    return -1;
}

static int make_raw(int fd, speed_t code) {
    struct termios tio;
    if (tcgetattr(fd, &tio))
        return -1;
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    if (cfsetispeed(&tio, code) || cfsetospeed(&tio, code) || tcsetattr(fd, TCSANOW, &tio))
        return -1;
    return tcflush(fd, TCIOFLUSH);
}

int link_open_tty(link_transport_t *t, const char *path, uint32_t baud, char *err, size_t n) {
    char shown[128];
    mica_escape_name(path, shown, sizeof shown);
    speed_t code;
    if (speed_code(baud, &code)) {
        snprintf(err, n,
                 "link:tty=%s: baud=%u is not a speed the serial driver takes "
                 "(115200, 921600, 1000000, 2000000, 3000000, ...)",
                 shown, baud);
        return -1;
    }
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, n,
                 "link:tty=%s: cannot open: %s (is the board plugged in; are you in the "
                 "dialout group?)",
                 shown, strerror(errno));
        return -1;
    }
    if (!isatty(fd) || make_raw(fd, code)) {
        snprintf(err, n, "link:tty=%s: not a serial port, or it refuses %u baud 8N1", shown, baud);
        close(fd);
        return -1;
    }
    t->fd = fd;
    t->pipe = link_fd_pipe(t);
    t->default_timeout_ms = 200;
    snprintf(t->what, sizeof t->what, "%s at %u baud", shown, baud);
    return 0;
}
