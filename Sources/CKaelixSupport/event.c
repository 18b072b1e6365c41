#include "CKaelixSupport.h"

#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

uint32_t kaelix_event_load(const uint32_t *word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }

void kaelix_event_store(uint32_t *word, uint32_t value) { __atomic_store_n(word, value, __ATOMIC_RELEASE); }

int kaelix_event_exchange(uint32_t *word, uint32_t expected, uint32_t desired) {
    return __atomic_compare_exchange_n(word, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void kaelix_event_wait(uint32_t *word, uint32_t seen) {
    // Returns at once when *word is no longer `seen`; spurious returns are allowed (callers loop).
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

void kaelix_event_wake(uint32_t *word, int count) {
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count < 0 ? INT_MAX : count, NULL, NULL, 0);
}
