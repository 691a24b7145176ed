#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver (its command line in argc/argv) on `test`, the target's entry.
int ballast_fuzz_run(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));
