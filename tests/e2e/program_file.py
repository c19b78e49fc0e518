"""The .mica header fields tests edit (include/mica_program.h) and seal(): recompute the size and
CRC-32 fields after an edit, as driver/core/program.c's mica_program_seal does (zlib's crc32 is the
same CRC-32)."""
import struct, zlib

HEADER_BYTES = 128
FORMAT_AT, FILE_SIZE_AT, CHECKSUM_AT = 8, 116, 120
STEPS_OFFSET_AT, NSTEPS_AT = 64, 68
STEP_BYTES, STEP_KIND_AT, STEP_EST_CYCLES_AT = 128, 48, 120
STEP_ACCEL = 1

def u32(data, at):
    return struct.unpack_from("<I", data, at)[0]

def seal(data):
    """Returns data with file_size and checksum made consistent (a program edited on purpose)."""
    d = bytearray(data)
    if len(d) < HEADER_BYTES:
        return bytes(d)
    struct.pack_into("<II", d, FILE_SIZE_AT, len(d), 0)
    struct.pack_into("<I", d, CHECKSUM_AT, zlib.crc32(bytes(d)) & 0xFFFFFFFF)
    return bytes(d)

def accel_steps(data):
    """(index, byte offset) of every accelerator step."""
    base, n = u32(data, STEPS_OFFSET_AT), u32(data, NSTEPS_AT)
    return [(i, base + i * STEP_BYTES) for i in range(n) if u32(data, base + i * STEP_BYTES + STEP_KIND_AT) == STEP_ACCEL]
