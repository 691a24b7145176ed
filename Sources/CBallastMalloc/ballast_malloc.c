#include "ballast_malloc.h"

#if defined(__GLIBC__)
#include <malloc.h>

int ballast_tune_malloc(int mmap_threshold_bytes, int trim_threshold_bytes, int arena_max) {
    int refused = 0;
    if (mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes) != 1) refused++;
    if (mallopt(M_TRIM_THRESHOLD, trim_threshold_bytes) != 1) refused++;
    if (mallopt(M_ARENA_MAX, arena_max) != 1) refused++;
    return refused;
}
#else
int ballast_tune_malloc(int mmap_threshold_bytes, int trim_threshold_bytes, int arena_max) {
    (void)mmap_threshold_bytes;
    (void)trim_threshold_bytes;
    (void)arena_max;
    return 0;
}
#endif
