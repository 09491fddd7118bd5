#!/bin/sh
# examples/bench.sh DIR [ROUNDS] - each example built in DIR (build.sh)
# runs its workload with the default allocator of the library it uses
# (malloc and free; operator new and delete for std::pmr) and with the
# arena, one process per run so that each has its own peak RSS, in ROUNDS
# interleaved rounds (11 by default; odd rounds run the default first,
# even ones the arena).  Prints the medians of wall time and peak RSS and
# the targets: the arena at least 1.3x faster on the protobuf-c and Lua
# workloads and slower on none.  Measure on a quiet machine: the load
# average is printed first.  Exits 1 if a run fails.
#
# Written in 2026 by the bump_alloc authors; CC0 1.0 (public domain).
set -u
dir=${1:?usage: bench.sh DIR [ROUNDS]}
rounds=${2:-11}
names=$(cat "$dir/built" 2>/dev/null)
if [ -z "$names" ]; then
	echo "bench.sh: no example built in $dir (examples/build.sh $dir)"
	exit 1
fi
results=$dir/bench.txt
: > "$results"
echo "examples: default allocator against the arena, medians of $rounds interleaved rounds"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
round=1
while [ "$round" -le "$rounds" ]; do
	for name in $names; do
		if [ $((round % 2)) = 1 ]; then order="default arena"; else order="arena default"; fi
		for mode in $order; do
			line=$("$dir/$name" --bench "$mode") || {
				echo "bench.sh: $name --bench $mode failed"; exit 1; }
			echo "$name $line" >> "$results"
		done
	done
	printf '.'
	round=$((round + 1))
done
echo

# median: the median of the numbers on standard input.
median() {
	sort -n | awk '{ v[NR] = $1 }
	END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measured NAME MODE FIELD: the median of FIELD (3 time, 4 peak RSS).
measured() {
	awk -v name="$1" -v mode="$2" -v field="$3" \
		'$1 == name && $2 == mode { print $field }' "$results" | median
}

# calc EXPRESSION: awk's arithmetic (a comparison gives 1 or 0).
calc() {
	awk "BEGIN { print ($1) }"
}

met=0 missed=0
# target CONDITION TEXT
target() {
	if [ "$(calc "$1")" = 1 ]; then
		printf '  %-8s %s\n' met "$2"; met=$((met + 1))
	else
		printf '  %-8s %s\n' "NOT met" "$2"; missed=$((missed + 1))
	fi
}

# One line per example: name, medians of time and peak RSS, both ways.
summary=$dir/bench-summary.txt
for name in $names; do
	echo "$name $(measured "$name" default 3) $(measured "$name" arena 3)" \
		"$(measured "$name" default 4) $(measured "$name" arena 4)"
done > "$summary"

printf '\n%-16s %10s %10s %8s %12s %12s\n' workload "default s" "arena s" \
	speedup "default MiB" "arena MiB"
awk '{ printf "%-16s %10.3f %10.3f %7.2fx %12.1f %12.1f\n", $1, $2, $3,
	$2 / $3, $4 / 1024, $5 / 1024 }' "$summary"

echo
echo "targets (met / NOT met)"
while read -r name time_default time_arena rss_default rss_arena; do
	speedup=$(calc "$time_default / $time_arena")
	case $name in
	protobuf_arena | lua_arena)
		target "$speedup >= 1.3" "$(printf '%-16s arena %.2fx faster than the default allocator (>= 1.3x)' "$name" "$speedup")";;
	esac
	target "$speedup >= 0.98" "$(printf '%-16s arena not slower: %.2fx (>= 0.98x: a tie within 2%% counts)' "$name" "$speedup")"
done < "$summary"
echo "$met targets met, $missed not met"
