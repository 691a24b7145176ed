// Tells ThreadSanitizer about the contended path of Swift's `Synchronization.Mutex` on
// Linux, preloaded (LD_PRELOAD) into the TSan test run by scripts/sanitize.sh.
//
// `Mutex.withLock` inlines its fast path into Ballast's code, where TSan sees the atomic
// compare-and-exchange that takes and releases the lock. When the lock is contended it
// calls `_MutexHandle._lockSlow` / `_unlockSlow` / `_tryLockSlow` in the toolchain's
// libswiftSynchronization.so, which is not instrumented and hands the lock over through
// the kernel (a priority-inheriting futex): TSan never sees that acquire or release, and
// reports the accesses of two threads that each held the lock in turn as a race
// (docs/sanitizers.md shows the four-thread counter that reproduces it).
//
// This library defines those three symbols (Swift's calling convention: the handle's
// address is `self`, in the swift_context register), calls the toolchain's own, and
// tells TSan what happened: `__tsan_acquire` on the handle once the lock is held,
// `__tsan_release` before it is given up. Races on data used outside the lock are still
// reported; nothing is suppressed. In a process without TSan (a Python plugin started by
// a test inherits LD_PRELOAD) the weak TSan symbols are absent and nothing is called.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define SWIFTCALL __attribute__((swiftcall))
#define SWIFTSELF __attribute__((swift_context))

void __tsan_acquire(void *address) __attribute__((weak));
void __tsan_release(void *address) __attribute__((weak));

typedef SWIFTCALL void (*LockSlow)(uint32_t, void *SWIFTSELF);
typedef SWIFTCALL bool (*TryLockSlow)(void *SWIFTSELF);
typedef SWIFTCALL void (*UnlockSlow)(void *SWIFTSELF);

#define LOCK_SLOW "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF"
#define TRY_LOCK_SLOW "$s15Synchronization12_MutexHandleV12_tryLockSlowSbyF"
#define UNLOCK_SLOW "$s15Synchronization12_MutexHandleV11_unlockSlowyyF"

// The toolchain's definition of `name`, the next one after this library's.
static void *next(const char *name) {
    void *function = dlsym(RTLD_NEXT, name);
    if (function == NULL) abort();  // a toolchain without it: stop rather than pass silently
    return function;
}

SWIFTCALL void lock_slow(uint32_t thread, void *SWIFTSELF handle) __asm__(LOCK_SLOW);
SWIFTCALL void lock_slow(uint32_t thread, void *SWIFTSELF handle) {
    ((LockSlow)next(LOCK_SLOW))(thread, handle);
    if (__tsan_acquire) __tsan_acquire(handle);
}

SWIFTCALL bool try_lock_slow(void *SWIFTSELF handle) __asm__(TRY_LOCK_SLOW);
SWIFTCALL bool try_lock_slow(void *SWIFTSELF handle) {
    bool locked = ((TryLockSlow)next(TRY_LOCK_SLOW))(handle);
    if (locked && __tsan_acquire) __tsan_acquire(handle);
    return locked;
}

SWIFTCALL void unlock_slow(void *SWIFTSELF handle) __asm__(UNLOCK_SLOW);
SWIFTCALL void unlock_slow(void *SWIFTSELF handle) {
    if (__tsan_release) __tsan_release(handle);
    ((UnlockSlow)next(UNLOCK_SLOW))(handle);
}
