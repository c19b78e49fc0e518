// The board simulator's end of the host connection: a socket (inherited from libmica, or one TCP
// client accepted on --listen) moved to and from the FTDI model without blocking the clock.
#ifndef MICA_BOARD_IO_H
#define MICA_BOARD_IO_H
#include <string>

#include "ftdi_model.h"

namespace mica {

class BoardIo {
public:
    ~BoardIo();
    int adopt(int fd, std::string *err);
    int listen_once(const std::string &host_port, std::string *err);
    // Moves bytes both ways; false once the host has closed the connection (or it broke).
    bool pump(FtdiModel &ftdi);

private:
    int fd_ = -1;
};

}  // namespace mica
#endif
