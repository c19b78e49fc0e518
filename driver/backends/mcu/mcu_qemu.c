/* Firmware build and QEMU for the mcu backend (mcu_qemu.h). Every child runs from an argument
 * vector (no shell); every wait on QEMU is bounded. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "link_transport.h"
#include "mcu_emit.h"
#include "mcu_qemu.h"
#include "mica_fw_stream.h"

#ifndef MICA_SOURCE_DIR
#define MICA_SOURCE_DIR "."
#endif
#define BUILD_TIMEOUT_S 300
#define CONNECT_TIMEOUT_MS 20000
#define STOP_TIMEOUT_MS 5000

extern char **environ;

static pid_t spawn_logged(char *const argv[], const char *log, int child_fd3) {
    posix_spawn_file_actions_t fa;
    pid_t pid = 0;
    if (posix_spawn_file_actions_init(&fa))
        return -1;
    int bad = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
              posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644) ||
              posix_spawn_file_actions_adddup2(&fa, 1, 2) ||
              (child_fd3 >= 0 && posix_spawn_file_actions_adddup2(&fa, child_fd3, 3)) ||
              posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return bad ? -1 : pid;
}

/* Waits for pid at most timeout_ms; kills it after that. Its exit status, or -1. */
static int wait_bounded(pid_t pid, int timeout_ms) {
    for (int waited = 0;; waited += 10) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        if (r < 0)
            return -1;
        if (waited >= timeout_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
}

static int write_model(const mcu_t *m, const mica_program_t *p, char *err, size_t n) {
    char c_path[300], h_path[300];
    snprintf(c_path, sizeof c_path, "%s/model_mica.c", m->dir);
    snprintf(h_path, sizeof h_path, "%s/model_mica.h", m->dir);
    FILE *c = fopen(c_path, "w"), *h = fopen(h_path, "w");
    int bad = !c || !h || mica_emit_c(c, h, p, "model_mica", "the loaded program");
    if (c && fclose(c))
        bad = 1;
    if (h && fclose(h))
        bad = 1;
    if (bad)
        snprintf(err, n, "mcu: cannot write the model's C in %s: %s", m->dir, strerror(errno));
    return bad ? -1 : 0;
}

static int build_firmware(const mcu_t *m, char *err, size_t n) {
    char model_c[300], out[300], log[300], objs[400];
    snprintf(model_c, sizeof model_c, "MODEL_C=%s/model_mica.c", m->dir);
    snprintf(out, sizeof out, "OUT=%s", m->dir);
    snprintf(objs, sizeof objs, "OBJ_DIR=%s/build/firmware/obj", MICA_SOURCE_DIR);
    snprintf(log, sizeof log, "%s/build.log", m->dir);
    char *argv[] = {
        "make", "-s", "-C", MICA_SOURCE_DIR "/firmware", model_c, "MODEL_SYM=model_mica",
        out,    objs, NULL};
    pid_t pid = spawn_logged(argv, log, -1);
    int rc = pid > 0 ? wait_bounded(pid, BUILD_TIMEOUT_S * 1000) : -1;
    if (rc != 0)
        snprintf(err, n,
                 "mcu: building the firmware failed (log: %s; needs gcc-arm-none-eabi: ./mica.sh "
                 "test installs it)",
                 log);
    return rc == 0 ? 0 : -1;
}

static int listen_unix(const char *path, char *err, size_t n) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || strlen(path) >= sizeof a.sun_path) {
        snprintf(err, n, "mcu: socket %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    memcpy(a.sun_path, path, strlen(path) + 1);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 1)) {
        snprintf(err, n, "mcu: socket %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* QEMU's connection on listener, within CONNECT_TIMEOUT_MS: the connected fd, or -1. */
static int accept_bounded(int listener) {
    struct pollfd p = {listener, POLLIN, 0};
    if (poll(&p, 1, CONNECT_TIMEOUT_MS) <= 0)
        return -1;
    return accept4(listener, NULL, NULL, SOCK_CLOEXEC);
}

static int boot_qemu(mcu_t *m, const mcu_accel_t *a, char *err, size_t n) {
    const mica_board_t *board = a->board;
    char elf[300], log[300], s0[300], s1[300], c0[400], c1[400];
    snprintf(elf, sizeof elf, "%s/verify_server.elf", m->dir);
    snprintf(log, sizeof log, "%s/qemu.log", m->dir);
    snprintf(s0, sizeof s0, "%s/uart0.sock", m->dir);
    snprintf(s1, sizeof s1, "%s/uart1.sock", m->dir);
    snprintf(c0, sizeof c0, "socket,id=data,path=%s", s0);
    snprintf(c1, sizeof c1, "socket,id=link,path=%s", s1);
    int l0 = listen_unix(s0, err, n), l1 = board ? listen_unix(s1, err, n) : -1;
    if (l0 < 0 || (board && l1 < 0)) {
        if (l0 >= 0)
            close(l0);
        return -1;
    }
    /* -icount shift=0: one instruction is one virtual nanosecond, so MCU times are instruction
     * counts, deterministic for a given firmware and input. */
    char *argv[] = {"qemu-system-arm",
                    "-M",
                    "mps2-an386",
                    "-nographic",
                    "-monitor",
                    "none",
                    "-kernel",
                    elf,
                    "-semihosting-config",
                    "enable=on,target=native",
                    "-icount",
                    "shift=0",
                    "-chardev",
                    c0,
                    "-serial",
                    "chardev:data",
                    board ? "-chardev" : "-serial",
                    board ? c1 : "null",
                    board ? "-serial" : NULL,
                    "chardev:link",
                    NULL};
    m->qemu = spawn_logged(argv, log, -1);
    m->data_fd = m->qemu > 0 ? accept_bounded(l0) : -1;
    int link_fd = m->data_fd >= 0 && board ? accept_bounded(l1) : -1;
    close(l0);
    if (l1 >= 0)
        close(l1);
    if (m->data_fd < 0 || (board && link_fd < 0)) {
        snprintf(err, n,
                 "mcu: QEMU (qemu-system-arm -M mps2-an386) did not start or connect (log: %s)",
                 log);
        if (link_fd >= 0)
            close(link_fd);
        return -1;
    }
    if (board) {
        m->board_sim = link_spawn_board_sim(board, link_fd, board->baud, a->ber, 1, err, n);
        close(link_fd);
        if (m->board_sim <= 0) {
            m->board_sim = 0;
            return -1;
        }
    }
    return 0;
}

uint64_t mcu_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int mcu_start(mcu_t *m, const mica_program_t *p, const mcu_accel_t *a, uint32_t timeout_ms,
              char *err, size_t n) {
    memset(m, 0, sizeof *m);
    m->data_fd = -1;
    m->timeout_ms = timeout_ms;
    const char *tmp = getenv("TMPDIR");
    snprintf(m->dir, sizeof m->dir, "%s/mica-mcu-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(m->dir)) {
        snprintf(err, n, "mcu: cannot create a temporary folder in %s: %s",
                 tmp && *tmp ? tmp : "/tmp", strerror(errno));
        m->dir[0] = 0;
        return -1;
    }
    if (write_model(m, p, err, n) || build_firmware(m, err, n) || boot_qemu(m, a, err, n)) {
        mcu_stop(m);
        return -1;
    }
    return 0;
}

static int send_all(mcu_t *m, const uint8_t *p, size_t len) {
    while (len) {
        struct pollfd q = {m->data_fd, POLLOUT, 0};
        int r = poll(&q, 1, (int)m->timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || (q.revents & (POLLERR | POLLHUP)))
            return -1;
        ssize_t w = send(m->data_fd, p, len, MSG_NOSIGNAL);
        if (w < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Fault injection: the board simulator dies at kill_board_at_ms, as an unplugged board would. */
static void maybe_kill_board(mcu_t *m) {
    if (m->kill_board_at_ms && m->board_sim > 0 && mcu_now_ms() >= m->kill_board_at_ms) {
        kill(m->board_sim, SIGKILL);
        m->kill_board_at_ms = 0;
    }
}

/* Exactly len bytes, each within timeout_ms of the last: 0, -1 (closed or error), -2 (silent). */
static int recv_all(mcu_t *m, uint8_t *p, size_t len) {
    uint64_t waited = 0;
    while (len) {
        struct pollfd q = {m->data_fd, POLLIN, 0};
        int r = poll(&q, 1, 100); /* slices: fault injection and the timeout are checked */
        maybe_kill_board(m);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 && (waited += 100) >= m->timeout_ms)
            return -2;
        if (r == 0)
            continue;
        waited = 0;
        ssize_t got = r < 0 ? -1 : read(m->data_fd, p, len);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0)
            return -1;
        p += got;
        len -= (size_t)got;
    }
    return 0;
}

int mcu_send(mcu_t *m, uint32_t type, const uint8_t *payload, size_t len, char *err, size_t n) {
    uint8_t h[MICA_FW_HEADER_BYTES], crc[4];
    memcpy(h, MICA_FW_MAGIC, 4);
    mica_fw_put32(h + 4, type);
    mica_fw_put32(h + 8, (uint32_t)len);
    mica_fw_put32(crc, mica_fw_crc(h, payload, len));
    if (send_all(m, h, sizeof h) || send_all(m, payload, len) || send_all(m, crc, sizeof crc)) {
        snprintf(err, n,
                 "mcu: the firmware stopped reading its console UART (QEMU log: %s/qemu.log)",
                 m->dir);
        return -1;
    }
    return 0;
}

static int recv_failed(mcu_t *m, int why, char *err, size_t n) {
    int st, code = m->qemu > 0 && waitpid(m->qemu, &st, WNOHANG) == m->qemu && WIFEXITED(st)
                       ? WEXITSTATUS(st)
                       : -1;
    if (code >= 0)
        m->qemu = 0;
    if (why == -2)
        snprintf(err, n, "mcu: no answer from the firmware within %u ms (timeout_ms=N raises it)",
                 m->timeout_ms);
    else if (code == 3)
        snprintf(err, n, "mcu: the firmware stopped with a hard fault");
    else if (why == -3)
        snprintf(err, n, "mcu: damaged message from the firmware (bad magic, size or CRC)");
    else
        snprintf(err, n, "mcu: the firmware closed its console (QEMU exit %d)", code);
    return -1;
}

int mcu_recv(mcu_t *m, uint32_t *type, uint8_t **payload, size_t *len, char *err, size_t n) {
    uint8_t h[MICA_FW_HEADER_BYTES], crc[4];
    *payload = NULL;
    int r = recv_all(m, h, sizeof h);
    if (r)
        return recv_failed(m, r, err, n);
    *type = mica_fw_get32(h + 4);
    *len = mica_fw_get32(h + 8);
    if (memcmp(h, MICA_FW_MAGIC, 4) || *len > MICA_FW_MAX_PAYLOAD)
        return recv_failed(m, -3, err, n);
    *payload = malloc(*len ? *len : 1);
    if (!*payload) {
        snprintf(err, n, "mcu: out of memory for a %zu-byte message", *len);
        return -1;
    }
    r = recv_all(m, *payload, *len);
    if (!r)
        r = recv_all(m, crc, sizeof crc);
    if (!r && mica_fw_get32(crc) != mica_fw_crc(h, *payload, *len))
        r = -3;
    if (r) {
        free(*payload);
        *payload = NULL;
        return recv_failed(m, r, err, n);
    }
    return 0;
}

static void remove_dir(const char *dir) {
    static const char *const names[] = {"model_mica.c",    "model_mica.h",      "model_mica.o",
                                        "verify_server.o", "verify_server.elf", "verify_server.map",
                                        "size.txt",        "build.log",         "qemu.log",
                                        "uart0.sock",      "uart1.sock"};
    char path[400];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

void mcu_stop(mcu_t *m) {
    if (m->data_fd >= 0 && m->qemu > 0) {
        char err[16];
        mcu_send(m, MICA_FW_QUIT, NULL, 0, err, sizeof err);
    }
    if (m->qemu > 0)
        wait_bounded(m->qemu, STOP_TIMEOUT_MS);
    if (m->data_fd >= 0)
        close(m->data_fd);
    if (m->board_sim > 0) {
        kill(m->board_sim, SIGTERM);
        wait_bounded(m->board_sim, STOP_TIMEOUT_MS);
    }
    if (m->dir[0] && !getenv("MICA_MCU_KEEP"))
        remove_dir(m->dir);
    m->qemu = m->board_sim = 0;
    m->data_fd = -1;
}
