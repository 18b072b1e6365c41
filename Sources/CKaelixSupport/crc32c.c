// CRC32C (Castagnoli, reflected polynomial 0x82F63B78) with a hardware path and a
// table-driven fallback that produce identical results.
#define _GNU_SOURCE
#include "CKaelixSupport.h"

#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

static uint32_t table[8][256];
static int table_ready = 0;
static int hardware_state = -1; // -1 unknown, 0 no, 1 yes

static void build_tables(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : (c >> 1);
        }
        table[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = table[0][n];
        for (int k = 1; k < 8; k++) {
            c = table[0][c & 0xff] ^ (c >> 8);
            table[k][n] = c;
        }
    }
    __atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
}

uint32_t kaelix_crc32c_software(uint32_t crc, const void *data, size_t length) {
    if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE)) {
        build_tables(); // idempotent: concurrent first calls compute the same table
    }
    const unsigned char *p = (const unsigned char *)data;
    uint32_t c = ~crc;
    while (length && ((uintptr_t)p & 7)) {
        c = table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
        length--;
    }
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        word ^= c;
        c = table[7][word & 0xff] ^ table[6][(word >> 8) & 0xff] ^ table[5][(word >> 16) & 0xff] ^
            table[4][(word >> 24) & 0xff] ^ table[3][(word >> 32) & 0xff] ^ table[2][(word >> 40) & 0xff] ^
            table[1][(word >> 48) & 0xff] ^ table[0][(word >> 56) & 0xff];
        p += 8;
        length -= 8;
    }
    while (length--) {
        c = table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    }
    return ~c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
uint32_t kaelix_crc32c_hardware(uint32_t crc, const void *data, size_t length) {
    const unsigned char *p = (const unsigned char *)data;
    uint64_t c = (uint32_t)~crc;
    while (length && ((uintptr_t)p & 7)) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        length--;
    }
    while (length >= 32) {
        uint64_t w0, w1, w2, w3;
        memcpy(&w0, p, 8); memcpy(&w1, p + 8, 8); memcpy(&w2, p + 16, 8); memcpy(&w3, p + 24, 8);
        c = _mm_crc32_u64(c, w0);
        c = _mm_crc32_u64(c, w1);
        c = _mm_crc32_u64(c, w2);
        c = _mm_crc32_u64(c, w3);
        p += 32;
        length -= 32;
    }
    while (length >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = _mm_crc32_u64(c, w);
        p += 8;
        length -= 8;
    }
    while (length--) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
    }
    return ~(uint32_t)c;
}

int kaelix_crc32c_hardware_available(void) {
    int state = __atomic_load_n(&hardware_state, __ATOMIC_RELAXED);
    if (state < 0) {
        __builtin_cpu_init();
        state = __builtin_cpu_supports("sse4.2") ? 1 : 0;
        __atomic_store_n(&hardware_state, state, __ATOMIC_RELAXED);
    }
    return state;
}
#else
uint32_t kaelix_crc32c_hardware(uint32_t crc, const void *data, size_t length) {
    return kaelix_crc32c_software(crc, data, length);
}
int kaelix_crc32c_hardware_available(void) { return 0; }
#endif

uint32_t kaelix_crc32c(uint32_t crc, const void *data, size_t length) {
    if (kaelix_crc32c_hardware_available()) {
        return kaelix_crc32c_hardware(crc, data, length);
    }
    return kaelix_crc32c_software(crc, data, length);
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t frame_header_crc_hardware(const unsigned char *f) {
    uint64_t c = 0xFFFFFFFFu, w;
    memcpy(&w, f, 8);
    c = _mm_crc32_u64(c, w);
    memcpy(&w, f + 12, 8);
    c = _mm_crc32_u64(c, w);
    memcpy(&w, f + 24, 8);
    c = _mm_crc32_u64(c, w);
    memcpy(&w, f + 32, 8);
    c = _mm_crc32_u64(c, w);
    return ~(uint32_t)c;
}
#endif

uint32_t kaelix_frame_header_crc(const void *frame) {
    const unsigned char *f = (const unsigned char *)frame;
#if defined(__x86_64__)
    if (kaelix_crc32c_hardware_available()) {
        return frame_header_crc_hardware(f);
    }
#endif
    uint32_t crc = kaelix_crc32c_software(0, f, 8);
    crc = kaelix_crc32c_software(crc, f + 12, 8);
    return kaelix_crc32c_software(crc, f + 24, 16);
}

uint32_t kaelix_frame_crc(const void *frame, size_t length) {
    const unsigned char *f = (const unsigned char *)frame;
    return kaelix_crc32c(kaelix_crc32c(0, f, 8), f + 12, length - 12);
}
