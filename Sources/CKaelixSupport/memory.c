// Memory the kernel maps ahead of use, so that growing an index does not spread page faults
// (a few microseconds each) over the appends that later fill it.

#define _GNU_SOURCE
#include "CKaelixSupport.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int kaelix_prefault_writable(void *address, size_t length) {
    if (length == 0) {
        return 0;
    }
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)address & ~(page - 1);
    uintptr_t end = ((uintptr_t)address + length + page - 1) & ~(page - 1);
    if (madvise((void *)start, end - start, MADV_POPULATE_WRITE) == 0) {
        return 0;
    }
    return errno;
}
