#ifndef CKAELIX_SUPPORT_H
#define CKAELIX_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/// Extends a running CRC32C (Castagnoli) over `length` bytes.
/// Start with `crc = 0`; the value returned is the finished checksum of everything seen so far
/// (pre- and post-inversion are handled inside), so calls can be chained over split buffers.
/// Uses the SSE4.2 `crc32` instruction when the CPU has it, the portable table otherwise.
uint32_t kaelix_crc32c(uint32_t crc, const void *data, size_t length);

/// The portable (table-driven, slicing-by-8) implementation, exposed so tests can check that
/// both paths agree bit for bit.
uint32_t kaelix_crc32c_software(uint32_t crc, const void *data, size_t length);

/// The hardware implementation. Only call it when `kaelix_crc32c_hardware_available()` is 1.
uint32_t kaelix_crc32c_hardware(uint32_t crc, const void *data, size_t length);

/// 1 when this CPU executes the SSE4.2 CRC32 instruction, 0 otherwise.
int kaelix_crc32c_hardware_available(void);

/// A frame's header checksum: CRC32C of bytes [0, 8), [12, 20) and [24, 40), in one call (the
/// append path seals a frame per append; three calls through the dispatch cost ~150 instructions).
uint32_t kaelix_frame_header_crc(const void *frame);

/// A frame's checksum: CRC32C of bytes [0, 8) and [12, length).
uint32_t kaelix_frame_crc(const void *frame, size_t length);

/// `fallocate(2)` without changing the file size semantics of `posix_fallocate`: Glibc does not
/// export the Linux call to Swift, so it is reached through this shim. Returns 0 or an errno.
int kaelix_fallocate(int fd, int64_t offset, int64_t length);

/// Upper bound of the compressed size of `length` bytes.
size_t kaelix_deflate_bound(size_t length);

/// zlib-compresses `length` bytes into `output` (capacity `capacity`) at `level` (1-9).
/// Returns the compressed size, or -1 if it does not fit or zlib fails.
int64_t kaelix_deflate(const void *input, size_t length, void *output, size_t capacity, int level);

/// Inflates a zlib stream into exactly `expected` bytes at `output`. Returns 0 on success, -1 when
/// the stream is damaged or does not inflate to exactly `expected` bytes (never writes past it).
int kaelix_inflate(const void *input, size_t length, void *output, size_t expected);

/// Takes a POSIX record lock (fcntl F_SETLK) on the whole file: exclusive (a writer) or shared (a
/// read-only open, which needs only a read descriptor). Unlike flock, such a lock is owned by the
/// process: a forked child never holds it, and it goes when the process dies.
/// Returns 0, or the errno (EAGAIN/EACCES when another process holds a conflicting lock).
int kaelix_lock_file(int fd, int exclusive);

/// The file system magic number of `path` (statfs(2) f_type), or -1 with errno set.
/// Glibc's Swift module does not export statfs, hence the shim.
int64_t kaelix_filesystem_magic(const char *path);

/// Calls `body(context)`. Exists to be named by valgrind's `--toggle-collect`: callgrind counts
/// the instructions executed inside this call, which is a benchmark's measured region.
void kaelix_measured_region(void (*body)(void *), void *context);

// One-word events (event.c) for the WAL's group commit: a thread sleeps in the kernel on the
// word's address (futex) until the word changes, and wakes without taking any mutex, so that the
// followers of a group commit do not all queue on the commit lock when their group is done.

/// The word, with acquire ordering.
uint32_t kaelix_event_load(const uint32_t *word);
/// Sets the word (sequentially consistent).
void kaelix_event_store(uint32_t *word, uint32_t value);
/// Sets the word to `desired` if it is `expected`; returns 1 if it did.
int kaelix_event_exchange(uint32_t *word, uint32_t expected, uint32_t desired);
/// Sleeps while the word is `seen` (returns at once if it is not; may return spuriously),
/// counted in `*sleepers` meanwhile.
void kaelix_event_sleep(uint32_t *word, uint32_t seen, uint32_t *sleepers);
/// Sets the word to `value` and wakes up to `count` of its sleepers (all when negative) — with no
/// system call when `*sleepers` is 0 (a lone writer's every append).
void kaelix_event_set(uint32_t *word, uint32_t value, const uint32_t *sleepers, int count);

/// Asks the processor to start loading the cache line holding `address` for reading; never faults,
/// whatever the address. Lets a walk over records whose starts can be guessed wait for their cache
/// misses together instead of one after another.
static inline void kaelix_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Has the kernel map the pages of `[address, address + length)` (rounded out to whole pages),
/// writable, without changing their contents (`madvise(MADV_POPULATE_WRITE)`, Linux 5.14): a
/// heap block's untouched pages then cost no page fault when first written. Returns 0 or an errno
/// (EINVAL on older kernels: nothing happens, the pages fault in on first use as before).
int kaelix_prefault_writable(void *address, size_t length);

// The machine's floor (floor.c): the WAL's work done in straight C, measured next to the WAL.

/// Bytes of one frame of `batch` records of `size` bytes in the WAL's data-frame layout.
size_t kaelix_floor_frame_size(size_t size, size_t batch);

/// Writes `batches` frames of `batch` copies of `message` (`size` bytes), each laid out and
/// checksummed as the WAL does, with one pwrite per frame from `offset` on (and fdatasync after
/// each when `sync`). `frame` holds kaelix_floor_frame_size(size, batch) bytes. Returns the bytes
/// written, or -errno.
int64_t kaelix_floor_write_batches(
    int fd, int64_t offset, const void *message, size_t size, size_t batch, size_t batches, void *frame, int sync);

/// Writes `count` one-record frames at increasing offsets from 0, each laid out, checksummed and
/// written (and fdatasync'ed when `sync`), storing each one's nanoseconds in `latencies`.
/// Returns 0 or an errno.
int kaelix_floor_write_singles(int fd, const void *message, size_t size, size_t count, int sync, void *frame, uint64_t *latencies);

/// Group commit by `writers` threads, `per_writer` one-record frames each, into `fd` (preallocated,
/// written from offset 0): every append waits until one pwrite + fdatasync by whichever waiting
/// writer leads has made it durable (one mutex, one condition variable). Stores each append's
/// nanoseconds, writer by writer, in `latencies` (writers × per_writer) and the fdatasync calls in
/// `syncs`. Returns 0 or an errno.
int kaelix_floor_group_commit(
    int fd, const void *message, size_t size, size_t writers, size_t per_writer, uint64_t *latencies, uint64_t *syncs);

/// Walks the frames written by kaelix_floor_write_batches in a mapping of `length` bytes, checking
/// each frame's CRC32C when `verify` (what recovery's scan does) and decoding every record header
/// (what replay does); stops at a zero length. Returns the records seen (their payload bytes in
/// `payload_bytes`), or -1 at the first damaged frame.
int64_t kaelix_floor_scan(const void *base, size_t length, int verify, uint64_t *payload_bytes);

/// Copies `size` bytes at each of `count` byte offsets of a mapping into `out`, storing each
/// copy's nanoseconds in `latencies`: the floor of a random read of resident data.
void kaelix_floor_random_reads(const void *base, const uint64_t *offsets, size_t count, size_t size, void *out, uint64_t *latencies);

#endif
