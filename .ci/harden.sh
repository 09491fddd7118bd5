#!/bin/bash
# CI job for hardening: sanitizers, Valgrind, the fuzzer.  Debian 12, root.
#  1. clang ASan+UBSan build (out of tree): make check
#  2. clang TSan build: the threaded suite
#  3. plain build with the Valgrind hooks: make check-valgrind
#  4. libFuzzer targets (arenas, the malloc replacement) for FUZZ_TIME
#     seconds each (default 60): fails on a finding
#  5. the malloc replacement's stress test for STRESS_TIME seconds (default
#     60) in all, under three settings (not under ASan: it replaces malloc),
#     then its soak for SOAK_TIME seconds (default 120): RSS flat after
#     warm-up
# Budget: about 15 minutes on 2 cores.
set -euo pipefail
ci_job=harden
# shellcheck source=.ci/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
src=$PWD
jobs=-j2
fuzz_time=${FUZZ_TIME:-60}
stress_time=${STRESS_TIME:-60}
soak_time=${SOAK_TIME:-120}

step "packages"
apt_get update
install_packages clang libclang-rt-14-dev llvm valgrind check \
	pkg-config autoconf automake libtool make
test -f configure || autoreconf -fi

sanitize="-g -O1 -fno-omit-frame-pointer"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

step "ASan + UBSan (clang): make check"
rm -rf /tmp/harden-asan && mkdir /tmp/harden-asan
(cd /tmp/harden-asan && "$src/configure" -q CC=clang CXX=clang++ --enable-werror \
	CFLAGS="$sanitize -fsanitize=address,undefined -fno-sanitize-recover=all" &&
	make $jobs >/dev/null && make $jobs check) ||
	{ show_logs /tmp/harden-asan; exit 1; }
grep -h '^[0-9]*%: Checks' /tmp/harden-asan/tests/*.log || true
cat /tmp/harden-asan/tests/check_tools.sh.log

step "TSan (clang): the threaded suite"
rm -rf /tmp/harden-tsan && mkdir /tmp/harden-tsan
(cd /tmp/harden-tsan && "$src/configure" -q CC=clang CXX=clang++ \
	CFLAGS="$sanitize -fsanitize=thread" &&
	make $jobs >/dev/null &&
	TSAN_OPTIONS=halt_on_error=1 make check TESTS=tests/test_threads) ||
	{ show_logs /tmp/harden-tsan; exit 1; }

step "Valgrind: make check-valgrind"
rm -rf /tmp/harden-vg && mkdir /tmp/harden-vg
(cd /tmp/harden-vg && "$src/configure" -q --with-valgrind &&
	make $jobs >/dev/null && make $jobs check TESTS=tests/check_tools.sh &&
	make $jobs check-valgrind) ||
	{ show_logs /tmp/harden-vg; exit 1; }
cat /tmp/harden-vg/tests/check_tools.sh.log

step "fuzzing for ${fuzz_time}s a target"
(cd /tmp/harden-vg && make fuzz-run FUZZ_TIME="$fuzz_time" > fuzz.log 2>&1) ||
	{ tail -n 60 /tmp/harden-vg/fuzz.log; exit 1; }
grep -E '^tests/fuzz/|^stat::(number_of_executed_units|average_exec_per_sec)' \
	/tmp/harden-vg/fuzz.log

step "malloc replacement: stress test for ${stress_time}s"
(cd /tmp/harden-vg && make tests/stress_malloc >/dev/null &&
	for setting in BUMP_ALLOC_FREE=recycle BUMP_ALLOC_FREE=lifo BUMP_ALLOC_SIZE=8M; do
		echo "$setting:"
		env "$setting" tests/stress_malloc $((stress_time / 3)) "$RANDOM" || exit 1
	done)

step "malloc replacement: soak for ${soak_time}s"
top_builddir=/tmp/harden-vg SEED=$RANDOM sh tests/soak_malloc.sh "$soak_time" 5

step "all green"
