#include "ballast_malloc.h"

/* Any C library header defines __GLIBC__ on glibc (through <features.h>); without one
 * the test below is always false and the settings were silently never applied. */
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>

int ballast_tune_malloc(int mmap_threshold_bytes, int trim_threshold_bytes, int arena_max) {
    int refused = 0;
    if (mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes) != 1) refused++;
    if (mallopt(M_TRIM_THRESHOLD, trim_threshold_bytes) != 1) refused++;
    if (mallopt(M_ARENA_MAX, arena_max) != 1) refused++;
    return refused;
}

int ballast_heap_usage(unsigned long long *in_use_bytes, unsigned long long *free_kept_bytes) {
#if __GLIBC_PREREQ(2, 33)
    struct mallinfo2 info = mallinfo2();
    *in_use_bytes = (unsigned long long)info.uordblks + (unsigned long long)info.hblkhd;
    *free_kept_bytes = (unsigned long long)info.fordblks;
    return 0;
#else
    *in_use_bytes = 0;
    *free_kept_bytes = 0;
    return -1;
#endif
}
#else
int ballast_tune_malloc(int mmap_threshold_bytes, int trim_threshold_bytes, int arena_max) {
    (void)mmap_threshold_bytes;
    (void)trim_threshold_bytes;
    (void)arena_max;
    return 3;
}

int ballast_heap_usage(unsigned long long *in_use_bytes, unsigned long long *free_kept_bytes) {
    *in_use_bytes = 0;
    *free_kept_bytes = 0;
    return -1;
}
#endif
