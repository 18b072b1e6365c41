#include "CKaelixSupport.h"

#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

uint32_t kaelix_event_load(const uint32_t *word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }

void kaelix_event_store(uint32_t *word, uint32_t value) { __atomic_store_n(word, value, __ATOMIC_SEQ_CST); }

int kaelix_event_exchange(uint32_t *word, uint32_t expected, uint32_t desired) {
    return __atomic_compare_exchange_n(word, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void kaelix_event_sleep(uint32_t *word, uint32_t seen, uint32_t *sleepers) {
    // Counted before the last look at the word, both sequentially consistent: either this thread
    // sees the new value and does not sleep, or the setter sees the count and wakes it (and the
    // kernel's own check of the word closes the window between the look and the sleep).
    __atomic_fetch_add(sleepers, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(word, __ATOMIC_SEQ_CST) == seen) {
        syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
    }
    __atomic_fetch_sub(sleepers, 1, __ATOMIC_SEQ_CST);
}

void kaelix_event_set(uint32_t *word, uint32_t value, const uint32_t *sleepers, int count) {
    __atomic_store_n(word, value, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(sleepers, __ATOMIC_SEQ_CST) > 0) {
        syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count < 0 ? INT_MAX : count, NULL, NULL, 0);
    }
}
