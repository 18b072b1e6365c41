// A peer for the WAL floor table (scripts/wal_floor.sh): RocksDB, Debian's librocksdb-dev, doing
// what the Kaelix WAL benchmarks do — batches of 10,000 64-byte values without sync, single 64-byte
// puts without sync, and single puts synced to disk — with its write-ahead log on, on the same disk.
// Prints one line per figure: name, value, unit. RocksDB also inserts into its memtable, so it is
// a peer (what an established store pays for an acknowledged write), not a floor.
//
//   cc -O2 -o rocksdb_wal rocksdb_wal.c -lrocksdb && ./rocksdb_wal DIR
#include <rocksdb/c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double p99(uint64_t *values, size_t n) {
    qsort(values, n, sizeof *values, compare);
    return (double)values[(size_t)((double)(n - 1) * 0.99)];
}

static rocksdb_t *open_db(const char *path) {
    char *error = NULL;
    rocksdb_options_t *options = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(options, 1);
    rocksdb_t *db = rocksdb_open(options, path, &error);
    rocksdb_options_destroy(options);
    if (error != NULL) {
        fprintf(stderr, "cannot open RocksDB at %s: %s\n", path, error);
        exit(1);
    }
    return db;
}

static void check(char *error, const char *what) {
    if (error != NULL) {
        fprintf(stderr, "%s failed: %s\n", what, error);
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR (a scratch directory on the disk to measure)\n", argv[0]);
        return 2;
    }
    char path[4096];
    char value[64];
    memset(value, 0x5a, sizeof value);
    char *error = NULL;

    // Batches of 10,000 64-byte values, no sync: 300,000 messages as the ci scenario writes.
    snprintf(path, sizeof path, "%s/batch", argv[1]);
    rocksdb_t *db = open_db(path);
    rocksdb_writeoptions_t *unsynced = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(unsynced, 0);
    uint64_t key = 0;
    const int batches = 30, batch = 10000;
    uint64_t started = now();
    for (int b = 0; b < batches; b++) {
        rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
        for (int i = 0; i < batch; i++, key++) rocksdb_writebatch_put(wb, (const char *)&key, sizeof key, value, sizeof value);
        rocksdb_write(db, unsynced, wb, &error);
        check(error, "batched write");
        rocksdb_writebatch_destroy(wb);
    }
    double seconds = (double)(now() - started) / 1e9;
    printf("batch_64B_10000_throughput %.0f msg/s\n", batches * batch / seconds);
    rocksdb_close(db);

    // Single 64-byte puts, no sync: the p99 of 20,000.
    snprintf(path, sizeof path, "%s/single", argv[1]);
    db = open_db(path);
    enum { singles = 20000 };
    static uint64_t latencies[singles];
    for (int i = 0; i < singles; i++, key++) {
        uint64_t t = now();
        rocksdb_put(db, unsynced, (const char *)&key, sizeof key, value, sizeof value, &error);
        latencies[i] = now() - t;
        check(error, "put");
    }
    printf("single_64B_nosync_p99 %.0f ns\n", p99(latencies, singles));

    // Single puts synced to disk: the p99 of 300.
    rocksdb_writeoptions_t *synced = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(synced, 1);
    enum { syncs = 300 };
    for (int i = 0; i < syncs; i++, key++) {
        uint64_t t = now();
        rocksdb_put(db, synced, (const char *)&key, sizeof key, value, sizeof value, &error);
        latencies[i] = now() - t;
        check(error, "synced put");
    }
    printf("single_64B_sync_p99 %.0f ns\n", p99(latencies, syncs));
    rocksdb_close(db);
    rocksdb_writeoptions_destroy(unsynced);
    rocksdb_writeoptions_destroy(synced);
    return 0;
}
