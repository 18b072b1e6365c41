// zlib for per-batch frame compression: bound, deflate and inflate of one buffer.

#include "CKaelixSupport.h"

#include <zlib.h>

size_t kaelix_deflate_bound(size_t length) {
    return (size_t)compressBound((uLong)length);
}

int64_t kaelix_deflate(const void *input, size_t length, void *output, size_t capacity, int level) {
    uLongf size = (uLongf)capacity;
    if (compress2((Bytef *)output, &size, (const Bytef *)input, (uLong)length, level) != Z_OK) {
        return -1;
    }
    return (int64_t)size;
}

int kaelix_inflate(const void *input, size_t length, void *output, size_t expected) {
    uLongf size = (uLongf)expected;
    if (uncompress((Bytef *)output, &size, (const Bytef *)input, (uLong)length) != Z_OK) {
        return -1;
    }
    return size == expected ? 0 : -1;
}
