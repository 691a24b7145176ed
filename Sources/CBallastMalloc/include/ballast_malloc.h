#ifndef BALLAST_MALLOC_H
#define BALLAST_MALLOC_H

/* Sets glibc's allocator for a long-running daemon whose every tick allocates
 * and frees the same working set: a fixed mmap threshold and a trim threshold
 * keep that working set in the heap between ticks (glibc's defaults hand large
 * arrays back to the kernel after each tick and fault them in again on the
 * next), and a cap on arenas keeps a handful of threads from each holding
 * their own. Returns 0 when every setting was accepted, else the number refused.
 * A no-op returning 0 on C libraries other than glibc. */
int ballast_tune_malloc(int mmap_threshold_bytes, int trim_threshold_bytes, int arena_max);

#endif
