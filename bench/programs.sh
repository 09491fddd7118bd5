#!/bin/bash
# programs.sh - whole programs under each malloc (make bench-programs).
#
# Wall time and peak RSS of every workload under glibc, libbump_alloc_malloc
# (default settings; more rows for other BUMP_ALLOC_FREE policies on
# request) and jemalloc, mimalloc and tcmalloc where installed; median of
# RUNS runs (default 5), interleaved: run 1 of every workload under every
# allocator, then run 2, ... so that load from other processes falls on
# all rows alike.  bump_alloc's rows run with BUMP_ALLOC_STATS=1 and count
# the allocations that fell back to the C library.  Among the workloads:
# larson, rptest and xmalloc at 8 and 16 threads (more threads than cores
# on a small machine), and a real server, memcached, under each malloc,
# driven by its own benchmark client over a unix socket
# (bench/programs/memcached.sh).  Then the targets, and whether each is met:
#   - on every workload, peak RSS at most max(2x glibc's, glibc's + 16 MiB)
#     and no fallbacks;
#   - the geometric mean of time over all workloads no worse than every
#     peer's (glibc, jemalloc, mimalloc, tcmalloc: those installed);
#   - no workload slower than 1.25x glibc, nor than 1.25x the best peer on
#     that workload;
#   - memcached: throughput at least the best peer's, and peak RSS within
#     1.1x of the peer with the least.
#
# Usage: bench/programs.sh [--csv]
#   RUNS=N              runs per cell (default 5)
#   CSV_FILE=path       also write the medians as CSV there (one run, both)
#   BUMP_MALLOC_SO=path libbump_alloc_malloc.so to use (default: the build's)
#   POLICIES="none lifo" rows for these BUMP_ALLOC_FREE policies too
#   WORKLOADS="a b"     a subset of: scopes bignum tree threads prodcons pool
#                       larson rptest shift larson8 larson16 rptest8
#                       rptest16 xmalloc8 xmalloc16 python cc sqlite perl
#                       memcached
set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${top_builddir:-$PWD}
runs=${RUNS:-5}
csv=no
[ "${1:-}" = --csv ] && csv=yes
cc=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- allocators: name|preload|environment --------------------------------
allocs=("glibc|-|")
so=${BUMP_MALLOC_SO:-$builddir/lib/.libs/libbump_alloc_malloc.so}
if [ -f "$so" ]; then
	allocs+=("bump_alloc|$so|BUMP_ALLOC_STATS=1")
	for policy in ${POLICIES:-}; do
		allocs+=("bump-$policy|$so|BUMP_ALLOC_STATS=1 BUMP_ALLOC_FREE=$policy")
	done
else
	echo "programs.sh: no $so (libbump_alloc_malloc not built): its rows are skipped" >&2
fi
find_lib() {	# the first of the given sonames the dynamic linker knows
	local name path
	for name in "$@"; do
		path=$(/sbin/ldconfig -p 2>/dev/null | awk -v n="$name" '$1 == n { print $NF; exit }')
		[ -n "$path" ] && { echo "$path"; return; }
	done
}
for spec in "jemalloc:libjemalloc.so.2" "mimalloc:libmimalloc.so.2" \
	"tcmalloc:libtcmalloc_minimal.so.4"; do
	lib=$(find_lib "${spec#*:}")
	if [ -n "$lib" ]; then
		allocs+=("${spec%%:*}|$lib|")
	else
		echo "programs.sh: ${spec#*:} not installed: the ${spec%%:*} row is skipped" >&2
	fi
done

# ---- workloads -------------------------------------------------------------
threaded="prodcons pool larson rptest shift"
# More threads than cores: the same total work as the 4-thread runs.
crowded="larson8 larson16 rptest8 rptest16 xmalloc8 xmalloc16"
for p in runstat scopes bignum tree threads $threaded xmalloc; do
	$cc -O2 -pthread -o "$work/$p" "$srcdir/bench/programs/$p.c"
done

# A large C file for the compiler: many functions with locals and loops.
awk 'BEGIN {
	for (i = 0; i < 700; i++) {
		printf "static int tbl%d[] = { %d, %d, %d, %d };\n", i, i, i + 1, i * 3, i ^ 5
		printf "int f%d(int x, const char *s) {\n", i
		printf "\tint acc = %d;\n\tfor (int k = 0; k < x; k++) {\n", i
		printf "\t\tacc += tbl%d[k & 3] * (s[k %% 7] + k);\n", i
		printf "\t\tif (acc > %d) acc ^= acc >> 3; else acc += f%d(x - 1, s);\n", i * 7, (i > 0 ? i - 1 : 0)
		printf "\t}\n\tswitch (acc & 7) { case 0: return acc; case 1: return -acc;\n"
		printf "\tdefault: return acc * %d; }\n}\n", i + 2
	}
}' > "$work/big.c"

cat > "$work/work.sql" <<'EOF'
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, v REAL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000)
INSERT INTO t SELECT x, printf('name-%d-%s', x, hex(x * 7919)), x % 97, x * 0.5 FROM c;
CREATE INDEX t_name ON t(name);
SELECT grp, count(*), sum(v), max(name) FROM t GROUP BY grp ORDER BY 3 DESC LIMIT 3;
SELECT count(*) FROM t a JOIN t b ON a.id = b.id + 1 WHERE a.grp = 3;
EOF

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3 || true)

# workload NAME ARG...: record a command line, one argument a line.
workload() {
	local name=$1
	shift
	printf '%s\n' "$@" > "$work/cmd.$name"
}
workload scopes "$work/scopes"
workload bignum "$work/bignum"
workload tree "$work/tree"
workload threads "$work/threads"
for p in $threaded; do
	workload "$p" "$work/$p"
done
workload larson8 "$work/larson" 20 8
workload larson16 "$work/larson" 10 16
workload rptest8 "$work/rptest" 500000 8
workload rptest16 "$work/rptest" 250000 16
workload xmalloc8 "$work/xmalloc" 4000 8
workload xmalloc16 "$work/xmalloc" 2000 16
# memcached and its client, memcslap (Debian: memcached libmemcached-tools).
mc_keys=4000 mc_clients=8
if command -v memcached >/dev/null && command -v memcslap >/dev/null; then
	workload memcached sh "$srcdir/bench/programs/memcached.sh" "$mc_keys" "$mc_clients"
else
	echo "programs.sh: memcached or memcslap not installed: the memcached rows are skipped" >&2
fi
[ -n "$python" ] && workload python "$python" -c \
	"import json; d = {str(i): [i, str(i) * 3, {'k': i}] for i in range(200000)}; s = json.dumps(d); e = json.loads(s); print(len(s), len(e))"
workload cc $cc -O1 -c "$work/big.c" -o "$work/big.o"
command -v sqlite3 >/dev/null && workload sqlite sqlite3 :memory: ".read $work/work.sql"
command -v perl >/dev/null && workload perl perl -e \
	'my %h; for my $i (1 .. 300000) { $h{"k$i"} = [$i, "v" x ($i % 50)] } my $s = 0; $s += $_->[0] for values %h; print "$s\n"'
order=${WORKLOADS:-scopes bignum tree threads $threaded $crowded python cc sqlite perl memcached}
workloads=()
for w in $order; do
	[ -f "$work/cmd.$w" ] && workloads+=("$w")
done

# ---- runs, interleaved -------------------------------------------------------
mkdir -p "$work/res"
for ((r = 1; r <= runs; r++)); do
	for w in "${workloads[@]}"; do
		for a in "${allocs[@]}"; do
			IFS='|' read -r name preload envs <<< "$a"
			mapfile -t argv < "$work/cmd.$w"
			# shellcheck disable=SC2086 # envs: NAME=value words
			env $envs "$work/runstat" "$preload" "${argv[@]}" \
				2> "$work/err" >> "$work/res/$w.$name" < /dev/null || true
			# The most fallbacks any run of the cell had.
			awk '/fallbacks to the system allocator/ { print $NF }' \
				"$work/err" >> "$work/res/$w.$name.fallbacks"
		done
	done
	echo "programs.sh: run $r of $runs done" >&2
done

# runstat prints "seconds maxrss_kib exit_status" last; programs print first.
median() {	# column of the runstat lines of a result file -> median
	awk -v col="$2" 'NF == 3 && $1 ~ /^[0-9.]+$/ { print $col }' "$1" |
		sort -g | awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "nan"; exit }
			print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
failed() {
	awk 'NF == 3 && $1 ~ /^[0-9.]+$/ && $3 != 0 { bad = 1 } END { print bad + 0 }' "$1"
}

names=()
for a in "${allocs[@]}"; do names+=("${a%%|*}"); done
fallbacks() {	# workload allocator -> the most fallbacks of any run, or -
	local f="$work/res/$1.$2.fallbacks"
	if [ -s "$f" ]; then sort -n "$f" | tail -n 1; else echo -; fi
}

write_csv() {
	echo "workload,allocator,wall_s,peak_rss_kib,failed,fallbacks"
	for w in "${workloads[@]}"; do
		for n in "${names[@]}"; do
			f="$work/res/$w.$n"
			echo "$w,$n,$(median "$f" 1),$(median "$f" 2),$(failed "$f"),$(fallbacks "$w" "$n")"
		done
	done
}
if [ "$csv" = yes ]; then
	write_csv
	exit 0
fi
# The same run as CSV too (for bench/chart.sh), so table and chart agree.
[ -z "${CSV_FILE:-}" ] || write_csv > "$CSV_FILE"

printf '\nwall time, seconds (median of %d; x = ratio to glibc; ! = a run failed)\n' "$runs"
printf '%-9s' workload; printf ' %14s' "${names[@]}"; echo
for w in "${workloads[@]}"; do
	base=$(median "$work/res/$w.glibc" 1)
	printf '%-9s' "$w"
	for n in "${names[@]}"; do
		f="$work/res/$w.$n"
		t=$(median "$f" 1)
		mark=" "; [ "$(failed "$f")" = 1 ] && mark="!"
		printf ' %6.3f %5.2fx%s' "$t" "$(awk -v a="$t" -v b="$base" 'BEGIN { print a / b }')" "$mark"
		echo "$w $n $t $base" >> "$work/ratios"
	done
	echo
done
printf '\npeak RSS, MiB (median of %d)\n' "$runs"
printf '%-9s' workload; printf ' %14s' "${names[@]}"; echo
for w in "${workloads[@]}"; do
	printf '%-9s' "$w"
	for n in "${names[@]}"; do
		printf ' %14.1f' "$(awk -v k="$(median "$work/res/$w.$n" 2)" 'BEGIN { print k / 1024 }')"
	done
	echo
done
printf '\nover all workloads: geometric mean and worst of wall time / glibc\n'
for n in "${names[@]}"; do
	awk -v n="$n" '$2 == n && $4 > 0 { r = $3 / $4; s += log(r); c++;
		if (r > worst) { worst = r; which = $1 } }
		END { if (c) printf "  %-14s geomean %.3fx   worst %.3fx (%s)\n", n, exp(s / c), worst, which }' \
		"$work/ratios"
done

# ---- targets -----------------------------------------------------------------
bump=bump_alloc
[ -f "$work/res/${workloads[0]}.$bump" ] || exit 0
printf '\ntargets for %s (met / NOT met)\n' "$bump"
met=0 missed=0
verdict() {	# ok? text
	if [ "$1" = 1 ]; then met=$((met + 1)); printf '  met      %s\n' "$2"
	else missed=$((missed + 1)); printf '  NOT met  %s\n' "$2"; fi
}
for w in "${workloads[@]}"; do
	g=$(median "$work/res/$w.glibc" 2)
	b=$(median "$work/res/$w.$bump" 2)
	fb=$(fallbacks "$w" "$bump")
	limit=$(awk -v g="$g" 'BEGIN { a = 2 * g; b = g + 16384; print (a > b ? a : b) }')
	ok=$(awk -v b="$b" -v l="$limit" -v f="$fb" 'BEGIN { print (b <= l && (f == 0 || f == "-")) ? 1 : 0 }')
	verdict "$ok" "$(printf '%-9s peak RSS %.1f MiB <= %.1f MiB (max of 2x glibc, glibc + 16 MiB), fallbacks %s' \
		"$w" "$(awk -v k="$b" 'BEGIN { print k / 1024 }')" "$(awk -v k="$limit" 'BEGIN { print k / 1024 }')" "$fb")"
	r=$(awk -v w="$w" -v n="$bump" '$1 == w && $2 == n && $4 > 0 { print $3 / $4 }' "$work/ratios")
	ok=$(awk -v r="$r" 'BEGIN { print (r != "" && r <= 1.25) ? 1 : 0 }')
	verdict "$ok" "$(printf '%-9s time %.3fx glibc <= 1.25x' "$w" "${r:-0}")"
done
# Best peer on a workload: the least median of the rows other than
# bump_alloc's (glibc included), in column col; prints "value name".
best_peer() {	# workload col
	local n
	for n in "${names[@]}"; do
		case $n in bump*) continue;; esac
		echo "$(median "$work/res/$1.$n" "$2") $n"
	done | awk '$1 != "nan"' | sort -g | head -n 1
}
for w in "${workloads[@]}"; do
	read -r bt bn <<< "$(best_peer "$w" 1)"
	[ -n "${bt:-}" ] || continue
	t=$(median "$work/res/$w.$bump" 1)
	if [ "$w" = memcached ]; then
		ops=$((3 * mc_keys * mc_clients))
		ok=$(awk -v t="$t" -v b="$bt" 'BEGIN { print (t <= b) ? 1 : 0 }')
		verdict "$ok" "$(printf '%-9s throughput %.0f requests/s >= best peer'"'"'s %.0f (%s)' \
			"$w" "$(awk -v o="$ops" -v t="$t" 'BEGIN { print o / t }')" \
			"$(awk -v o="$ops" -v t="$bt" 'BEGIN { print o / t }')" "$bn")"
		read -r br brn <<< "$(best_peer "$w" 2)"
		b=$(median "$work/res/$w.$bump" 2)
		ok=$(awk -v b="$b" -v l="$br" 'BEGIN { print (b <= 1.1 * l) ? 1 : 0 }')
		verdict "$ok" "$(printf '%-9s peak RSS %.1f MiB <= 1.1x the least, %s'"'"'s %.1f MiB' \
			"$w" "$(awk -v k="$b" 'BEGIN { print k / 1024 }')" "$brn" \
			"$(awk -v k="$br" 'BEGIN { print k / 1024 }')")"
		continue
	fi
	r=$(awk -v t="$t" -v b="$bt" 'BEGIN { if (b > 0) print t / b }')
	ok=$(awk -v r="$r" 'BEGIN { print (r != "" && r <= 1.25) ? 1 : 0 }')
	verdict "$ok" "$(printf '%-9s time %.3fx the best peer (%s) <= 1.25x' "$w" "${r:-0}" "$bn")"
done
geo() {	# allocator -> geometric mean of time / glibc
	awk -v n="$1" '$2 == n && $4 > 0 { s += log($3 / $4); c++ } END { if (c) print exp(s / c) }' "$work/ratios"
}
gb=$(geo "$bump")
for n in "${names[@]}"; do
	case $n in bump*) continue;; esac
	g=$(geo "$n")
	ok=$(awk -v a="$gb" -v b="$g" 'BEGIN { print (a <= b) ? 1 : 0 }')
	verdict "$ok" "$(printf 'geometric mean of time %.3fx glibc <= %s'"'"'s %.3fx' "$gb" "$n" "$g")"
done
[ -n "$(geo mimalloc)" ] ||
	printf '  (mimalloc not installed: the geometric mean is not compared with it)\n'
printf '%d targets met, %d not met\n' "$met" "$missed"
