/* Backend "systemc:model=rtl|tlm[,latency=N,bw=N]": the SystemC/TLM-2.0 example platform
 * (sim/systemc) in its own process, build/systemc/mica-sc-platform, driven over a socket pair
 * (include/mica_sc_wire.h). The runtime's CSR and memory accesses become bus transactions of
 * the platform's host initiator; the accelerator is the Verilated RTL component or the
 * loosely-timed model. Every reply is awaited with a timeout, so a dead platform cannot hang us. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "mica_backend.h"
#include "mica_cost.h"
#include "mica_sc_wire.h"

#ifndef MICA_SOURCE_DIR
#define MICA_SOURCE_DIR "."
#endif

extern char **environ;

#define SC_REPLY_MS_DEFAULT 60000 /* any reply but WAIT's: the platform answers in ms */
#define SC_MIN_CYCLES_PER_S 2000  /* WAIT's allowance: slower than any model here */

typedef struct {
    int fd;
    pid_t child;
    char model[8];
    char fault[160];
    uint64_t cycle, busy_us;
    int64_t reply_ms; /* timeout_ms= */
} sc_state_t;

static int set_fault(sc_state_t *s, const char *what) {
    if (!s->fault[0])
        snprintf(s->fault, sizeof s->fault, "systemc:model=%s: %s", s->model, what);
    return -1;
}

static int64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* All n bytes within timeout_ms, or a fault. */
static int xfer(sc_state_t *s, void *buf, size_t n, int out, int64_t timeout_ms) {
    uint8_t *p = buf;
    int64_t end = now_ms() + timeout_ms;
    while (n) {
        if (s->fault[0])
            return -1;
        struct pollfd pf = {s->fd, (short)(out ? POLLOUT : POLLIN), 0};
        int64_t left = end - now_ms();
        if (left <= 0)
            return set_fault(s, "the platform process stopped answering (timeout)");
        int r = poll(&pf, 1, left > 1000 ? 1000 : (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        ssize_t k = out ? send(s->fd, p, n, MSG_NOSIGNAL) : recv(s->fd, p, n, 0);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (k <= 0)
            return set_fault(s, "the platform process exited");
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* One request (with an optional payload out) and its response (with an optional payload in). */
static int call(sc_state_t *s, mica_sc_req_t q, const void *out, void *in, mica_sc_rsp_t *r,
                int64_t timeout_ms) {
    q.magic = MICA_SC_WIRE_MAGIC;
    if (xfer(s, &q, sizeof q, 1, timeout_ms) ||
        (out && xfer(s, (void *)out, q.len, 1, timeout_ms)) || xfer(s, r, sizeof *r, 0, timeout_ms))
        return -1;
    if (r->magic != MICA_SC_WIRE_MAGIC || r->len != (in ? q.len : 0u) || r->status > 2)
        return set_fault(s, "the platform process answered out of step");
    if (in && xfer(s, in, q.len, 0, timeout_ms))
        return -1;
    s->cycle = r->cycle;
    s->busy_us = r->busy_us;
    return r->status == 0 ? 0 : -1;
}

static int sc_mem(sc_state_t *s, int op, uint32_t addr, void *buf, size_t n) {
    mica_sc_rsp_t r;
    for (size_t done = 0; done < n;) { /* payloads in pieces the platform accepts */
        size_t k = n - done > MICA_SC_WIRE_MAX_LEN ? MICA_SC_WIRE_MAX_LEN : n - done;
        mica_sc_req_t q = {0, (uint32_t)op, addr + (uint32_t)done, (uint32_t)k, 0};
        uint8_t *p = (uint8_t *)buf + done;
        if (call(s, q, op == MICA_SC_OP_MEM_WRITE ? p : NULL, op == MICA_SC_OP_MEM_READ ? p : NULL,
                 &r, s->reply_ms))
            return -1;
        done += k;
    }
    return 0;
}

static int sc_mem_write(void *st, uint32_t addr, const void *src, size_t n) {
    return sc_mem(st, MICA_SC_OP_MEM_WRITE, addr, (void *)src, n);
}

static int sc_mem_read(void *st, uint32_t addr, void *dst, size_t n) {
    return sc_mem(st, MICA_SC_OP_MEM_READ, addr, dst, n);
}

static uint32_t sc_csr_read(void *st, uint32_t addr) {
    mica_sc_rsp_t r = {0};
    mica_sc_req_t q = {0, MICA_SC_OP_CSR_READ, addr, 0, 0};
    return call(st, q, NULL, NULL, &r, ((sc_state_t *)st)->reply_ms) ? 0 : r.value;
}

static void sc_csr_write(void *st, uint32_t addr, uint32_t v) {
    mica_sc_rsp_t r;
    mica_sc_req_t q = {0, MICA_SC_OP_CSR_WRITE, addr, 0, v};
    call(st, q, NULL, NULL, &r, ((sc_state_t *)st)->reply_ms);
}

static mica_wait_t sc_wait(void *st, uint64_t max_cycles) {
    mica_sc_rsp_t r = {0};
    mica_sc_req_t q = {0, MICA_SC_OP_WAIT, 0, 0, max_cycles};
    if (call(st, q, NULL, NULL, &r,
             ((sc_state_t *)st)->reply_ms + (int64_t)(max_cycles / SC_MIN_CYCLES_PER_S) * 1000))
        return MICA_WAIT_TIMEOUT;
    return r.value == 0 ? MICA_WAIT_DONE : r.value == 1 ? MICA_WAIT_HW_ERROR : MICA_WAIT_TIMEOUT;
}

static void sc_reset(void *st) {
    mica_sc_rsp_t r;
    mica_sc_req_t q = {0, MICA_SC_OP_RESET, 0, 0, 0};
    call(st, q, NULL, NULL, &r, ((sc_state_t *)st)->reply_ms);
}

static const char *sc_fault(void *st) {
    sc_state_t *s = st;
    return s->fault[0] ? s->fault : NULL;
}

/* The platform's own measure: its clock cycles and the wall time its kernel ran. */
static int sc_report(void *st, char *out, size_t n) {
    sc_state_t *s = st;
    double secs = (double)s->busy_us / 1e6;
    snprintf(out, n, "model=%s platform_cycles=%llu platform_s=%.3f platform_cycles_per_s=%.0f",
             s->model, (unsigned long long)s->cycle, secs,
             secs > 0 ? (double)s->cycle / secs : 0.0);
    return 0;
}

static void sc_close(void *st) {
    sc_state_t *s = st;
    if (s->fd >= 0) {
        mica_sc_rsp_t r;
        mica_sc_req_t q = {0, MICA_SC_OP_QUIT, 0, 0, 0};
        if (!s->fault[0])
            call(s, q, NULL, NULL, &r, 2000);
        close(s->fd);
    }
    if (s->child > 0) {
        int status;
        for (int i = 0; i < 200 && waitpid(s->child, &status, WNOHANG) == 0; i++)
            usleep(10000);
        if (waitpid(s->child, &status, WNOHANG) == 0) {
            kill(s->child, SIGKILL);
            waitpid(s->child, &status, 0);
        }
    }
    free(s);
}

static const mica_opt_spec_t sc_options[] = {
    {"model", MICA_OPT_PATH, 0, 0},
    {"latency", MICA_OPT_INT, 1, 1000},
    {"bw", MICA_OPT_INT, 1, 64},
    {"timeout_ms", MICA_OPT_INT, 1, 3600000},
};

/* The platform binary: $MICA_SC_PLATFORM, else this source tree's build. */
static void platform_path(char *out, size_t n) {
    const char *p = getenv("MICA_SC_PLATFORM");
    if (p && *p)
        snprintf(out, n, "%s", p);
    else
        snprintf(out, n, "%s/build/systemc/mica-sc-platform", MICA_SOURCE_DIR);
}

/* The child gets its socket end as fd 3 and our stderr as its stdout too (SystemC reports its
 * errors on stdout); its copyright banner is turned off. */
static pid_t spawn_platform(const char *path, int child_fd, char *const argv[]) {
    posix_spawn_file_actions_t fa;
    pid_t pid = 0;
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 2, sizeof *env);
    if (!env || posix_spawn_file_actions_init(&fa)) {
        free(env);
        return -1;
    }
    memcpy(env, environ, n * sizeof *env);
    env[n] = "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1";
    if (child_fd == 3) /* dup2 onto itself would keep close-on-exec */
        fcntl(child_fd, F_SETFD, 0);
    int bad = (child_fd != 3 && posix_spawn_file_actions_adddup2(&fa, child_fd, 3)) ||
              posix_spawn_file_actions_adddup2(&fa, 2, 1) ||
              posix_spawn(&pid, path, &fa, NULL, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    return bad ? -1 : pid;
}

static int sc_start_platform(sc_state_t *s, const mica_hw_config_t *c, uint32_t mem_bytes,
                             long long lat, long long bw, char *err, size_t errlen) {
    char path[512], hw[160], lat_s[24], bw_s[24], mem_s[24];
    platform_path(path, sizeof path);
    if (access(path, X_OK)) {
        snprintf(err, errlen, "systemc backend: platform %s is missing (build it: make systemc)",
                 path);
        return -1;
    }
    snprintf(hw, sizeof hw, "%u,%u,%u,%u,%u,%u,%u,%u,%u,%u", c->rows, c->cols, c->aspad_depth,
             c->wspad_depth, c->acc_depth, c->param_sets, c->bus_bytes, c->req_lanes, c->absent,
             c->req_mul_cycles);
    snprintf(lat_s, sizeof lat_s, "%lld", lat);
    snprintf(bw_s, sizeof bw_s, "%lld", bw);
    snprintf(mem_s, sizeof mem_s, "%u", mem_bytes);
    char *argv[] = {path,   "--fd", "3",           "--model", s->model, "--latency", lat_s,
                    "--bw", bw_s,   "--mem-bytes", mem_s,     "--hw",   hw,          NULL};
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        snprintf(err, errlen, "systemc backend: socketpair: %s", strerror(errno));
        return -1;
    }
    s->child = spawn_platform(path, sv[1], argv);
    close(sv[1]);
    s->fd = sv[0];
    if (s->child <= 0) {
        snprintf(err, errlen, "systemc backend: cannot start %s", path);
        return -1;
    }
    fcntl(s->fd, F_SETFL, O_NONBLOCK);
    /* The platform says whether it could build itself (it exits with a reason on stderr). */
    mica_sc_rsp_t r = {0};
    mica_sc_req_t q = {0, MICA_SC_OP_CSR_READ, MICA_CSR_ID, 0, 0};
    if (call(s, q, NULL, NULL, &r, s->reply_ms) || r.value != MICA_CSR_ID_VALUE) {
        snprintf(err, errlen, "%s", s->fault[0] ? s->fault : "systemc backend: no Mica on the bus");
        return -1;
    }
    return 0;
}

static int sc_open(const char *options, const mica_hw_config_t *cfg, uint32_t mem_bytes,
                   mica_backend_t *out, char *err, size_t errlen) {
    sc_state_t *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "systemc backend: out of memory");
        return -1;
    }
    s->fd = -1;
    s->reply_ms = mica_opt_int(options, "timeout_ms", SC_REPLY_MS_DEFAULT);
    if (!mica_opt_string(options, "model", s->model, sizeof s->model))
        snprintf(s->model, sizeof s->model, "tlm");
    if (strcmp(s->model, "rtl") && strcmp(s->model, "tlm")) {
        snprintf(err, errlen, "systemc backend: model=%.16s: must be rtl or tlm", s->model);
        free(s);
        return -1;
    }
    long long lat = mica_opt_int(options, "latency", MICA_MEM_LATENCY_DEFAULT);
    long long bw = mica_opt_int(options, "bw", cfg->bus_bytes);
    if (sc_start_platform(s, cfg, (mem_bytes + 4095u) & ~4095u, lat, bw, err, errlen)) {
        sc_close(s);
        return -1;
    }
    *out = (mica_backend_t){0};
    out->name = "systemc";
    out->state = s;
    out->mem_latency = (uint32_t)lat;
    out->mem_bytes_per_cycle = (uint32_t)bw;
    out->cycles_estimated = !strcmp(s->model, "tlm");
    out->mem_write = sc_mem_write;
    out->mem_read = sc_mem_read;
    out->csr_read = sc_csr_read;
    out->csr_write = sc_csr_write;
    out->wait = sc_wait;
    out->reset = sc_reset;
    out->close = sc_close;
    out->fault = sc_fault;
    out->report = sc_report;
    return 0;
}

const mica_backend_desc_t mica_backend_systemc = {
    "systemc",
    sc_open,
    sc_options,
    (int)(sizeof sc_options / sizeof sc_options[0]),
};
