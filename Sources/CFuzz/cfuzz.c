// Only the header matters: it declares libFuzzer's driver for counterd-fuzz.
