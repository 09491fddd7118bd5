#!/bin/sh
# soak_malloc.sh - the malloc replacement's soak: the stress test (threads
# that trade blocks, thread churn, remote frees by threads that exit) for a
# given time, its RSS (VmRSS of /proc/PID/status) sampled at an interval
# into a CSV, then the verdict: flat after warm-up.  What the stress test
# holds live is bounded, so memory must stop growing once every kind of
# block has been made: the largest sample of the last half may exceed the
# largest of the second quarter (the first is the warm-up) by at most 10%
# + 4 MiB.  A failing stress test fails the soak too.
#
# Usage: tests/soak_malloc.sh [SECONDS [INTERVAL [CSV]]]
#   defaults: 12 s, a sample a second, the CSV in a temporary file (make
#   check); .ci/harden.sh: 120 5; the hour quoted in the closing note of
#   issue 18: 3600 10 bench/soak.csv.
#   STRESS       the stress program (default $top_builddir/tests/stress_malloc)
#   STRESS_ARGS  its options (default: -c 2, two short-lived threads at once)
#   SEED         its seed (default 1)
#   THREADS      its long-lived threads (default 2, at most 4)
# The CSV: seconds,rss_kib (one line a sample, the first at 0 s).
set -eu

if [ $# = 0 ]; then
	percent=25 slack_mib=8
else
	percent=10 slack_mib=4
fi
seconds=${1:-20}
interval=${2:-1}
csv=${3:-}
stress=${STRESS:-${top_builddir:-.}/tests/stress_malloc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "$csv" ] || csv=$tmp/soak.csv

if [ ! -x "$stress" ]; then
	echo "soak_malloc: no $stress (build it: make tests/stress_malloc)" >&2
	exit 1
fi
# shellcheck disable=SC2086 # STRESS_ARGS: options, split on purpose
"$stress" ${STRESS_ARGS:--c 2} "$seconds" "${SEED:-1}" "${THREADS:-2}" \
	> "$tmp/out" 2>&1 &
pid=$!

# One sample an interval while the program runs; t in whole seconds.
echo "seconds,rss_kib" > "$csv"
start=$(date +%s)
while rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) &&
	[ -n "$rss" ]; do
	echo "$(($(date +%s) - start)),$rss" >> "$csv"
	sleep "$interval"
done
status=0
wait "$pid" || status=$?
cat "$tmp/out"
if [ "$status" != 0 ]; then
	echo "soak_malloc: FAIL: the stress test exited with status $status" >&2
	exit 1
fi

# The curve by quarters, and the verdict.
awk -F, -v total="$seconds" -v percent="$percent" -v slack="$slack_mib" 'NR > 1 {
	q = int(4 * $1 / total); if (q > 3) q = 3
	if (!(q in max) || $2 > max[q]) max[q] = $2
	if (!(q in min) || $2 < min[q]) min[q] = $2
	if (q >= 2 && $2 > late) late = $2
	n++
}
END {
	if (n < 4 || !(1 in max)) {
		printf "soak_malloc: FAIL: %d samples, too few to judge\n", n
		exit 1
	}
	for (q = 0; q < 4; q++)
		if (q in max)
			printf "  quarter %d: RSS %.1f to %.1f MiB\n", q + 1,
			    min[q] / 1024, max[q] / 1024
	limit = (1 + percent / 100) * max[1] + slack * 1024
	verdict = late <= limit ? "flat" : "FAIL: still growing"
	printf "soak_malloc: %s after warm-up: last half peaks at %.1f MiB, " \
	    "limit %.1f MiB (second quarter %.1f MiB + %d%% + %d MiB), " \
	    "%d samples\n", verdict, late / 1024, limit / 1024, max[1] / 1024,
	    percent, slack, n
	exit late <= limit ? 0 : 1
}' "$csv"
