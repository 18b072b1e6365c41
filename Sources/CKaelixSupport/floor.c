// The machine's floor for the WAL's work, written in C: the same bytes laid out as the WAL lays out
// a data frame (a 40-byte header, then per record a one-byte stream id, a varint length and the
// payload, padded to 8 bytes), the same CRC32C, one pwrite per frame into a preallocated file, and
// reads straight out of a mapping. No index, no locks, no allocation in the measured loops: what a
// log writer cannot beat on this machine, measured in the same run as the WAL (`floor.*`).

#define _GNU_SOURCE
#include "CKaelixSupport.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
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

// Group commit in its plainest sound form: a writer lays out and checksums its record, copies it
// into the shared pending buffer under one mutex and waits on one condition variable until a
// leader has made it durable; whichever waiter finds no flush under way becomes the leader, takes
// everything pending, writes it with one pwrite and one fdatasync outside the lock, then wakes all.
struct group_commit {
    pthread_mutex_t lock;
    pthread_cond_t durable_moved;
    uint8_t *pending;
    uint8_t *flushing;
    size_t pending_length;
    uint64_t appended;
    uint64_t durable;
    int flushing_now;
    int error;
    int fd;
    off_t offset;
    const uint8_t *message;
    size_t size;
    size_t per_writer;
    size_t frame_bytes;
    uint64_t *latencies;
    uint64_t syncs;
};

struct group_writer {
    struct group_commit *group;
    size_t index;
};

// With the lock held: flushes everything pending (as the leader) and returns with the lock held.
static void group_flush(struct group_commit *g) {
    g->flushing_now = 1;
    uint8_t *batch = g->pending;
    size_t length = g->pending_length;
    uint64_t target = g->appended;
    off_t offset = g->offset;
    g->pending = g->flushing;
    g->flushing = batch;
    g->pending_length = 0;
    g->offset += (off_t)length;
    pthread_mutex_unlock(&g->lock);
    int error = 0;
    if (pwrite(g->fd, batch, length, offset) != (ssize_t)length) {
        error = errno ? errno : EIO;
    } else if (fdatasync(g->fd) != 0) {
        error = errno;
    }
    pthread_mutex_lock(&g->lock);
    g->syncs++;
    if (error != 0) {
        g->error = error;
    }
    g->durable = target;
    g->flushing_now = 0;
    pthread_cond_broadcast(&g->durable_moved);
}

static void *group_writer_main(void *argument) {
    struct group_writer *writer = argument;
    struct group_commit *g = writer->group;
    uint8_t *frame = malloc(g->frame_bytes);
    if (frame == NULL) {
        pthread_mutex_lock(&g->lock);
        g->error = ENOMEM;
        pthread_cond_broadcast(&g->durable_moved);
        pthread_mutex_unlock(&g->lock);
        return NULL;
    }
    for (size_t i = 0; i < g->per_writer; i++) {
        uint64_t started = floor_now();
        size_t length = build_frame(frame, g->message, g->size, 1, (uint64_t)(writer->index * g->per_writer + i));
        pthread_mutex_lock(&g->lock);
        memcpy(g->pending + g->pending_length, frame, length);
        g->pending_length += length;
        uint64_t mine = ++g->appended;
        while (g->durable < mine && g->error == 0) {
            if (!g->flushing_now) {
                group_flush(g);
            } else {
                pthread_cond_wait(&g->durable_moved, &g->lock);
            }
        }
        int failed = g->error != 0;
        pthread_mutex_unlock(&g->lock);
        if (failed) {
            break;
        }
        g->latencies[writer->index * g->per_writer + i] = floor_now() - started;
    }
    free(frame);
    return NULL;
}

int kaelix_floor_group_commit(
    int fd, const void *message, size_t size, size_t writers, size_t per_writer, uint64_t *latencies, uint64_t *syncs) {
    struct group_commit g;
    memset(&g, 0, sizeof g);
    g.frame_bytes = kaelix_floor_frame_size(size, 1);
    // Each writer has at most one record pending, so `writers` frames always fit.
    g.pending = malloc(writers * g.frame_bytes);
    g.flushing = malloc(writers * g.frame_bytes);
    struct group_writer *states = calloc(writers, sizeof *states);
    pthread_t *threads = calloc(writers, sizeof *threads);
    int status = 0;
    if (g.pending == NULL || g.flushing == NULL || states == NULL || threads == NULL) {
        status = ENOMEM;
        goto done;
    }
    pthread_mutex_init(&g.lock, NULL);
    pthread_cond_init(&g.durable_moved, NULL);
    g.fd = fd;
    g.message = message;
    g.size = size;
    g.per_writer = per_writer;
    g.latencies = latencies;
    size_t started = 0;
    for (; started < writers; started++) {
        states[started].group = &g;
        states[started].index = started;
        if (pthread_create(&threads[started], NULL, group_writer_main, &states[started]) != 0) {
            pthread_mutex_lock(&g.lock);
            g.error = EAGAIN;
            pthread_cond_broadcast(&g.durable_moved);
            pthread_mutex_unlock(&g.lock);
            break;
        }
    }
    for (size_t i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
    }
    status = g.error;
    *syncs = g.syncs;
    pthread_cond_destroy(&g.durable_moved);
    pthread_mutex_destroy(&g.lock);
done:
    free(g.pending);
    free(g.flushing);
    free(states);
    free(threads);
    return status;
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
