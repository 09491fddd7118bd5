#!/bin/sh
# chart.sh - draw bench/results.png from the CSV of `bench --csv` and,
# when given, of `programs.sh --csv`.  Needs gnuplot (Debian: gnuplot-nox).
# Usage: chart.sh BENCH_CSV [PROGRAMS_CSV] OUT.png
set -eu
bench=$1
programs=${3:+$2}
out=${3:-$2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Rows: workload/temperature; columns: allocators, ns per allocation.  The
# strings and containers tables count per string and per element, the scale
# rows per arena or per request (and RSS): tables, not bars.
awk -F, 'NR > 1 && $1 != "threads" && $1 != "realloc-growth" &&
    $1 != "strings" && $1 != "containers" &&
    $1 !~ /^many-arenas/ && $1 != "arena-per-request-inflight" {
	if (!($2 in seen)) { seen[$2] = 1; names[++n] = $2 }
	if ($3 != "") { v[$1 " cold", $2] = $3; if (!(($1 " cold") in r)) { r[$1 " cold"] = 1; rows[++m] = $1 " cold" } }
	v[$1 " warm", $2] = $4; if (!(($1 " warm") in r)) { r[$1 " warm"] = 1; rows[++m] = $1 " warm" }
} END {
	printf "case"; for (i = 1; i <= n; i++) printf "\t%s", names[i]; print ""
	for (j = 1; j <= m; j++) {
		printf "%s", rows[j]
		for (i = 1; i <= n; i++) printf "\t%s", ((rows[j], names[i]) in v) ? v[rows[j], names[i]] : "NaN"
		print ""
	}
}' "$bench" > "$tmp/bench.dat"
ncol=$(head -1 "$tmp/bench.dat" | awk -F'\t' '{ print NF }')

panels=1
if [ -n "$programs" ] && [ -s "$programs" ]; then
	panels=2
	# Rows: workloads; columns: allocators, wall time relative to glibc.
	awk -F, 'NR > 1 {
		if (!($2 in seen)) { seen[$2] = 1; names[++n] = $2 }
		if (!($1 in r)) { r[$1] = 1; rows[++m] = $1 }
		v[$1, $2] = $3
	} END {
		printf "workload"; for (i = 1; i <= n; i++) printf "\t%s", names[i]; print ""
		for (j = 1; j <= m; j++) {
			printf "%s", rows[j]
			for (i = 1; i <= n; i++) printf "\t%s", (v[rows[j], "glibc"] > 0 ? v[rows[j], names[i]] / v[rows[j], "glibc"] : "NaN")
			print ""
		}
	}' "$programs" > "$tmp/programs.dat"
	pcol=$(head -1 "$tmp/programs.dat" | awk -F'\t' '{ print NF }')
fi

{
	echo "set terminal pngcairo size 1400,$((panels * 480)) font 'sans,10'"
	echo "set output '$out'"
	echo "set datafile separator '\t'"
	echo "set termoption noenhanced"
	i=1
	for c in '#1f77b4' '#6baed6' '#08306b' '#2ca02c' '#7f7f7f' '#ff7f0e' \
		'#d62728' '#9467bd' '#8c564b' '#e377c2' '#bcbd22' '#17becf'; do
		echo "set linetype $i lc rgb '$c'"
		i=$((i + 1))
	done
	echo "set style data histograms"
	echo "set style histogram clustered gap 1"
	echo "set style fill solid 0.9 border -1"
	echo "set key outside right top vertical"
	echo "set grid ytics"
	echo "set xtics rotate by -20"
	echo "set multiplot layout $panels,1"
	echo "set logscale y"
	echo "set ylabel 'ns per allocation (log)'"
	echo "set title 'make bench: arenas and allocators, same request sequence, median of rounds (lower is better)'"
	echo "plot for [i=2:$ncol] '$tmp/bench.dat' using i:xtic(1) title columnheader(i)"
	if [ "$panels" = 2 ]; then
		echo "unset logscale y"
		echo "set ylabel 'wall time / glibc'"
		echo "set title 'make bench-programs: whole programs under each malloc, median of runs (lower is better)'"
		echo "plot for [i=2:$pcol] '$tmp/programs.dat' using i:xtic(1) title columnheader(i)"
	fi
	echo "unset multiplot"
} > "$tmp/chart.gp"
gnuplot "$tmp/chart.gp"
echo "chart.sh: wrote $out"
