// The cache sizes that decide code shape come from the target description:
// a named CPU gets the defaults (32 MiB last-level cache), options override
// them; streaming stores start above the last-level cache.
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-pipeline{cpu=x86-64-v3})" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEFAULT
// RUN: rope-opt %s --pass-pipeline="builtin.module(rope-cpu-pipeline{cpu=x86-64-v3 llc-bytes=12582912})" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=GIVEN
// RUN: not rope-opt %s --pass-pipeline="builtin.module(rope-cpu-pipeline{cpu=x86-64-v3 llc-bytes=-1})" 2>&1 | FileCheck %s --check-prefix=BAD

// DEFAULT: rope-nontemporal-stores{min-bytes=33554432}
// GIVEN: rope-nontemporal-stores{min-bytes=12582912}
// BAD: llc-bytes=-1 is out of range: expected 0..1099511627776
