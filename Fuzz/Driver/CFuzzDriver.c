#include "CFuzzDriver.h"

// libFuzzer's documented entry for programs that have their own main (SwiftPM gives every
// executable one): https://llvm.org/docs/LibFuzzer.html#using-libfuzzer-as-a-library
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));

int ballast_fuzz_run(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size)) {
    return LLVMFuzzerRunDriver(argc, argv, test);
}
