// A benchmark's measured region as a named C function that the Swift optimizer cannot inline
// away: callgrind's --toggle-collect=kaelix_measured_region counts instructions only inside it.

#include "CKaelixSupport.h"

__attribute__((noinline)) void kaelix_measured_region(void (*body)(void *), void *context) {
    body(context);
    __asm__ volatile("" ::: "memory");
}
