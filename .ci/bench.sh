#!/bin/bash
# CI: the benchmarks build and run (quick mode; well under 3 minutes).
# Timings on a CI machine prove nothing; that every row runs does.
# Builds out of tree in $1 (default /tmp/ci-bench), like a user's VPATH build.
set -euo pipefail
# shellcheck source=.ci/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
src=$PWD
build=${1:-/tmp/ci-bench}

install_packages g++ libapr1-dev libtalloc-dev libmimalloc-dev \
	libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4 sqlite3 gnuplot-nox \
	memcached libmemcached-tools

test -f configure || autoreconf -fi
rm -rf "$build" && mkdir -p "$build" && cd "$build"
"$src/configure" -q
make -j2 >/dev/null
make -j2 bench BENCH_ARGS=--quick | tee "$build/bench.txt"
for row in "bump_alloc " "inline bump" "glibc malloc" obstack "APR pool" \
	"talloc pool" "mimalloc heap" "std::pmr"; do
	grep -q "^  $row" "$build/bench.txt" || { echo "bench: no row for $row"; exit 1; }
done
for table in strings: containers:; do
	grep -q "^$table" "$build/bench.txt" || { echo "bench: no $table table"; exit 1; }
done
./bench/bench --quick --csv > "$build/bench.csv"
sh "$src/bench/chart.sh" "$build/bench.csv" "$build/bench.png"
# A subset: two small programs, one with more threads than cores, the server.
RUNS=1 WORKLOADS="scopes bignum xmalloc16 memcached" make bench-programs |
	tee "$build/programs.txt"
for row in scopes bignum xmalloc16 memcached; do
	grep -q "^$row " "$build/programs.txt" || { echo "bench-programs: no row for $row"; exit 1; }
done
grep -q "memcached throughput" "$build/programs.txt" ||
	{ echo "bench-programs: no memcached target"; exit 1; }
