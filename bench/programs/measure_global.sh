#!/bin/sh
# measure_global.sh - wall time and peak RSS of whole programs under glibc
# malloc and under libbump_alloc_malloc with each BUMP_ALLOC_FREE policy.
# Median of N runs (default 3).  Needs GNU time (/usr/bin/time).
# Usage: bench/programs/measure_global.sh [path/to/libbump_alloc_malloc.so] [N]
lib=${1:-lib/.libs/libbump_alloc_malloc.so}
runs=${2:-3}
dir=$(dirname "$0")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/glibc_simple" "$dir/glibc_simple.c" || exit 1
cc -O2 -o "$tmp/espresso_like" "$dir/espresso_like.c" || exit 1
python=$(command -v /usr/bin/python3 || command -v python3)

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

measure() {	# label preload policy cmd...
	label=$1 preload=$2 policy=$3; shift 3
	: > "$tmp/t"; : > "$tmp/m"
	for i in $(seq "$runs"); do
		env ${preload:+LD_PRELOAD=$preload} ${policy:+BUMP_ALLOC_FREE=$policy} \
			/usr/bin/time -f '%e %M' -o "$tmp/one" "$@" > /dev/null || echo "($label failed)"
		awk '{ print $1 > "'"$tmp/t"'"; print $2 > "'"$tmp/m"'" }' "$tmp/one"
		cat "$tmp/one" >> "$tmp/all"
	done
	awk '{ print $1 }' "$tmp/all" | tail -n "$runs" | median > "$tmp/tm"
	awk '{ print $2 }' "$tmp/all" | tail -n "$runs" | median > "$tmp/rm"
	printf '%-14s %-14s %8s s %10s KiB\n' "$label" "${policy:-glibc}" "$(cat "$tmp/tm")" "$(cat "$tmp/rm")"
}

lib=$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")
printf '%-14s %-14s %10s %14s\n' workload allocator "wall (median)" "peak RSS"
for w in glibc_simple espresso_like python; do
	case $w in
	python) set -- "$python" "$dir/python_work.py";;
	*) set -- "$tmp/$w";;
	esac
	measure "$w" "" "" "$@"
	for policy in none lifo recycle; do
		measure "$w" "$lib" "$policy" "$@"
	done
done
