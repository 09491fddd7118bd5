#!/bin/sh
# measure_global.sh - wall time, CPU time and peak RSS of whole programs
# under glibc malloc and under libbump_alloc_malloc with each
# BUMP_ALLOC_FREE policy.  The allocators take turns within every round,
# so that load from elsewhere falls on all of them alike; medians of
# N rounds (default 5).  Needs GNU time (/usr/bin/time).
# Usage: bench/programs/measure_global.sh [path/to/libbump_alloc_malloc.so] [N]
lib=${1:-lib/.libs/libbump_alloc_malloc.so}
rounds=${2:-5}
dir=$(dirname "$0")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/glibc_simple" "$dir/glibc_simple.c" || exit 1
cc -O2 -o "$tmp/espresso_like" "$dir/espresso_like.c" || exit 1
python=$(command -v /usr/bin/python3 || command -v python3)
lib=$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")
allocators="glibc none lifo recycle"
workloads="glibc_simple espresso_like python"

for r in $(seq "$rounds"); do
	for w in $workloads; do
		case $w in
		python) set -- "$python" "$dir/python_work.py";;
		*) set -- "$tmp/$w";;
		esac
		for a in $allocators; do
			if [ "$a" = glibc ]; then
				/usr/bin/time -f '%e %U %S %M' -o "$tmp/one" "$@" > /dev/null
			else
				LD_PRELOAD=$lib BUMP_ALLOC_FREE=$a \
				/usr/bin/time -f '%e %U %S %M' -o "$tmp/one" "$@" > /dev/null
			fi || echo "($w under $a failed)" >&2
			tail -n 1 "$tmp/one" >> "$tmp/$w.$a"
		done
	done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-14s %-8s %9s %9s %12s\n' workload malloc "wall s" "cpu s" "peak RSS KiB"
for w in $workloads; do
	for a in $allocators; do
		f=$tmp/$w.$a
		printf '%-14s %-8s %9s %9s %12s\n' "$w" "$a" \
			"$(awk '{ print $1 }' "$f" | median)" \
			"$(awk '{ print $2 + $3 }' "$f" | median)" \
			"$(awk '{ print $4 }' "$f" | median)"
	done
done
