#include "callgrind_marks.h"
#include <valgrind/callgrind.h>

void ballast_callgrind_start_instrumentation(void) { CALLGRIND_START_INSTRUMENTATION; }
void ballast_callgrind_zero(void) { CALLGRIND_ZERO_STATS; }
void ballast_callgrind_dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
