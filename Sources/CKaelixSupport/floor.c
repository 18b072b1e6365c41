// The machine's floor for the WAL's work, written in C: the same bytes laid out as the WAL lays out
// a data frame (a 40-byte header, then per record a one-byte stream id, a varint length and the
// payload, padded to 8 bytes), the same CRC32C, one pwrite per frame into a preallocated file, and
// reads straight out of a mapping. No index, no locks, no allocation in the measured loops: what a
// log writer cannot beat on this machine, measured in the same run as the WAL (`floor.*`).

#define _GNU_SOURCE
#include "CKaelixSupport.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { FLOOR_HEADER = 40 };

static inline uint64_t floor_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static size_t varint_size(uint64_t value) {
    size_t n = 1;
    while (value >= 0x80) {
        value >>= 7;
        n++;
    }
    return n;
}

static uint8_t *put_varint(uint8_t *p, uint64_t value) {
    while (value >= 0x80) {
        *p++ = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    *p++ = (uint8_t)value;
    return p;
}

static const uint8_t *get_varint(const uint8_t *p, const uint8_t *end, uint64_t *value) {
    uint64_t result = 0;
    unsigned shift = 0;
    while (p < end && shift < 64) {
        uint8_t byte = *p++;
        result |= (uint64_t)(byte & 0x7f) << shift;
        if (byte < 0x80) {
            *value = result;
            return p;
        }
        shift += 7;
    }
    return NULL;
}

size_t kaelix_floor_frame_size(size_t size, size_t batch) {
    size_t unpadded = FLOOR_HEADER + batch * (1 + varint_size(size) + size);
    return (unpadded + 7) & ~(size_t)7;
}

// Lays out one frame of `batch` copies of `message` at `frame` and checksums it; returns its length.
static size_t build_frame(uint8_t *frame, const uint8_t *message, size_t size, size_t batch, uint64_t base) {
    size_t length = kaelix_floor_frame_size(size, batch);
    size_t unpadded = FLOOR_HEADER + batch * (1 + varint_size(size) + size);
    uint32_t length32 = (uint32_t)length;
    uint32_t count = (uint32_t)batch;
    memset(frame, 0, FLOOR_HEADER);
    memcpy(frame, &length32, 4);
    frame[4] = 1;
    frame[6] = (uint8_t)(length - unpadded);
    memcpy(frame + 12, &count, 4);
    memcpy(frame + 24, &base, 8);
    uint8_t *p = frame + FLOOR_HEADER;
    for (size_t i = 0; i < batch; i++) {
        *p++ = 1;
        p = put_varint(p, size);
        memcpy(p, message, size);
        p += size;
    }
    memset(p, 0, length - unpadded);
    uint32_t header = kaelix_crc32c(kaelix_crc32c(kaelix_crc32c(0, frame, 8), frame + 12, 8), frame + 24, 16);
    memcpy(frame + 20, &header, 4);
    uint32_t crc = kaelix_crc32c(kaelix_crc32c(0, frame, 8), frame + 12, length - 12);
    memcpy(frame + 8, &crc, 4);
    return length;
}

int64_t kaelix_floor_write_batches(
    int fd, int64_t offset, const void *message, size_t size, size_t batch, size_t batches, void *frame, int sync) {
    int64_t written = 0;
    for (size_t b = 0; b < batches; b++) {
        size_t length = build_frame(frame, message, size, batch, (uint64_t)(b * batch));
        if (pwrite(fd, frame, length, (off_t)(offset + written)) != (ssize_t)length) {
            return -(int64_t)(errno ? errno : EIO);
        }
        if (sync && fdatasync(fd) != 0) {
            return -(int64_t)errno;
        }
        written += (int64_t)length;
    }
    return written;
}

int kaelix_floor_write_singles(int fd, const void *message, size_t size, size_t count, int sync, void *frame, uint64_t *latencies) {
    off_t offset = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t started = floor_now();
        size_t length = build_frame(frame, message, size, 1, (uint64_t)i);
        if (pwrite(fd, frame, length, offset) != (ssize_t)length) {
            return errno ? errno : EIO;
        }
        if (sync && fdatasync(fd) != 0) {
            return errno;
        }
        latencies[i] = floor_now() - started;
        offset += (off_t)length;
    }
    return 0;
}

int64_t kaelix_floor_scan(const void *base, size_t length, int verify, uint64_t *payload_bytes) {
    const uint8_t *start = base;
    const uint8_t *end = start + length;
    const uint8_t *frame = start;
    int64_t records = 0;
    uint64_t bytes = 0;
    while (frame + FLOOR_HEADER <= end) {
        uint32_t frame_length;
        uint32_t stored;
        uint32_t count;
        memcpy(&frame_length, frame, 4);
        if (frame_length == 0) {
            break;
        }
        if (frame_length < FLOOR_HEADER || frame + frame_length > end) {
            return -1;
        }
        memcpy(&stored, frame + 8, 4);
        if (verify && kaelix_crc32c(kaelix_crc32c(0, frame, 8), frame + 12, frame_length - 12) != stored) {
            return -1;
        }
        memcpy(&count, frame + 12, 4);
        const uint8_t *p = frame + FLOOR_HEADER;
        const uint8_t *body_end = frame + frame_length - frame[6];
        for (uint32_t r = 0; r < count; r++) {
            uint64_t stream;
            uint64_t size;
            p = get_varint(p, body_end, &stream);
            if (p == NULL) {
                return -1;
            }
            p = get_varint(p, body_end, &size);
            if (p == NULL || size > (uint64_t)(body_end - p)) {
                return -1;
            }
            bytes += size;
            p += size;
        }
        records += count;
        frame += frame_length;
    }
    *payload_bytes = bytes;
    return records;
}

void kaelix_floor_random_reads(
    const void *base, const uint64_t *offsets, size_t count, size_t size, void *out, uint64_t *latencies) {
    const uint8_t *start = base;
    uint8_t *destination = out;
    for (size_t i = 0; i < count; i++) {
        uint64_t started = floor_now();
        memcpy(destination, start + offsets[i], size);
        __asm__ volatile("" : : "r"(destination) : "memory");
        latencies[i] = floor_now() - started;
    }
}
