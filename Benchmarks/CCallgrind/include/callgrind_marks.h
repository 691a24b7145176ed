#ifndef BALLAST_CALLGRIND_MARKS_H
#define BALLAST_CALLGRIND_MARKS_H

/// Callgrind client requests (no-ops outside valgrind), for instruction-counts.py:
/// instrumentation is switched on once the workload is built, and each measured
/// step is bracketed by zeroing the counters and dumping them (all threads).
void ballast_callgrind_start_instrumentation(void);
void ballast_callgrind_zero(void);
void ballast_callgrind_dump(const char *label);

#endif
