#ifndef CFUZZ_H
#define CFUZZ_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry for programs with their own main (SwiftPM links an executable's main to
/// counterd_fuzz_main, so libFuzzer's own main is never pulled in).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
