#include "board_io.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mica {

// The FTDI chip's receive buffer: more host bytes wait in the socket (back-pressure).
constexpr size_t kTxQueueMax = 4096;
// Bytes from the FPGA go out in batches, or as soon as the line goes quiet.
constexpr size_t kRxBatch = 512;

BoardIo::~BoardIo() {
    if (fd_ >= 0)
        close(fd_);
}

int BoardIo::adopt(int fd, std::string *err) {
    if (fcntl(fd, F_SETFL, O_NONBLOCK)) {
        *err = "--fd " + std::to_string(fd) + " is not an open descriptor";
        return -1;
    }
    fd_ = fd;
    return 0;
}

int BoardIo::listen_once(const std::string &host_port, std::string *err) {
    size_t colon = host_port.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        *err = "--listen wants HOST:PORT";
        return -1;
    }
    std::string host = host_port.substr(0, colon), port = host_port.substr(colon + 1);
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) || !res) {
        *err = "cannot resolve " + host_port;
        return -1;
    }
    int s = socket(res->ai_family, res->ai_socktype, res->ai_protocol), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bool ok = s >= 0 && !bind(s, res->ai_addr, res->ai_addrlen) && !listen(s, 1);
    freeaddrinfo(res);
    if (!ok) {
        *err = "cannot listen on " + host_port + ": " + std::strerror(errno);
        if (s >= 0)
            close(s);
        return -1;
    }
    std::fprintf(stderr, "listening on %s\n", host_port.c_str());
    int c = accept(s, nullptr, nullptr);
    close(s);
    if (c < 0) {
        *err = std::string("accept: ") + std::strerror(errno);
        return -1;
    }
    return adopt(c, err);
}

bool BoardIo::pump(FtdiModel &ftdi) {
    uint8_t buf[1024];
    while (ftdi.queued() < kTxQueueMax) {
        ssize_t got = recv(fd_, buf, sizeof buf, 0);
        if (got == 0)
            return false;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return false;
            break;
        }
        ftdi.send(buf, (size_t)got);
    }
    std::vector<uint8_t> &out = ftdi.received();
    if (out.empty() || (ftdi.receiving() && out.size() < kRxBatch))
        return true;
    size_t at = 0;
    while (at < out.size()) {
        ssize_t w = send(fd_, out.data() + at, out.size() - at, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;  // the host is slow: keep the rest for the next pump
        if (w <= 0)
            return false;
        at += (size_t)w;
    }
    out.erase(out.begin(), out.begin() + (long)at);
    return true;
}

}  // namespace mica
