#ifndef BALLAST_MALLOC_H
#define BALLAST_MALLOC_H

/* Sets glibc's allocator for a long-running daemon whose every tick allocates
 * and frees the same working set: a fixed mmap threshold and a trim threshold
 * keep that working set in the heap between ticks (glibc's defaults hand large
 * arrays back to the kernel after each tick and fault them in again on the
 * next), and a cap on arenas keeps a handful of threads from each holding
 * their own. Returns 0 when every setting was accepted, else the number refused.
 * A no-op returning 3 (all refused) on C libraries other than glibc. */
int ballast_tune_malloc(int mmap_threshold_bytes, int trim_threshold_bytes, int arena_max);

/* The allocator's own account of the heap (glibc's mallinfo2): bytes handed out
 * and not yet freed (small chunks plus mmap'd large ones), and bytes freed but kept
 * for reuse rather than returned to the kernel. Unlike RSS, the first moves only
 * with what the daemon holds, not with where trims happen to fall, which makes it
 * the figure a leak shows in. Returns 0, or -1 (both set to 0) on C libraries
 * other than glibc. Walks the free lists under the arena's lock: call it per
 * scrape, not per tick. */
int ballast_heap_usage(unsigned long long *in_use_bytes, unsigned long long *free_kept_bytes);

#endif
