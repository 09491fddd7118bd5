#!/bin/bash
# CI: the benchmarks build and run (quick mode; well under 3 minutes).
# Timings on a CI machine prove nothing; that every row runs does.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq g++ libapr1-dev libtalloc-dev libmimalloc-dev \
	libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4 sqlite3 gnuplot-nox >/dev/null

# Configure again so that the peers installed just now are found.
./configure -q
make -j2 bench BENCH_ARGS=--quick | tee /tmp/ci-bench.txt
for row in "bump_alloc " "inline bump" "glibc malloc" obstack "APR pool" \
	"talloc pool" "mimalloc heap" "std::pmr"; do
	grep -q "^  $row" /tmp/ci-bench.txt || { echo "bench: no row for $row"; exit 1; }
done
./bench/bench --quick --csv > /tmp/ci-bench.csv
sh bench/chart.sh /tmp/ci-bench.csv /tmp/ci-bench.png
RUNS=1 WORKLOADS="scopes bignum" make bench-programs
