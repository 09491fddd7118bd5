#!/bin/sh
# bump-run as built (bump-run.in with the configured paths), pointed at the
# library in the build tree: options, environment, help, and each exit
# status documented in bump-run(1).
built=$top_builddir/bump-run
so=$top_builddir/lib/.libs/$BUMP_ALLOC_MALLOC_SONAME
[ -f "$built" ] && [ -f "$so" ] || { echo "SKIP: no $built or $so"; exit 77; }
so=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bump-run.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
unset BUMP_ALLOC_SIZE BUMP_ALLOC_FREE BUMP_ALLOC_ON_EXHAUST BUMP_ALLOC_STATS LD_PRELOAD
status=0
fail() { echo "FAIL: $*"; status=1; }

# It preloads the versioned soname, in the configured library directory.
case $(grep "^lib=" "$built") in
*"/$BUMP_ALLOC_MALLOC_SONAME'") echo "PASS: bump-run preloads $BUMP_ALLOC_MALLOC_SONAME";;
*) fail "bump-run's library: $(grep "^lib=" "$built")";;
esac
sed "s|^lib=.*|lib='$so'|" "$built" > "$tmp/bump-run"
sed "s|^lib=.*|lib='$tmp/missing.so.0'|" "$built" > "$tmp/bump-run-nolib"
chmod +x "$tmp/bump-run" "$tmp/bump-run-nolib"

# matches FILE PATTERN: FILE has a line matching PATTERN, or is empty
# when PATTERN is "-".
matches() {
	if [ "$2" = - ]; then [ ! -s "$1" ]; else grep -q -- "$2" "$1"; fi
}
# expect STATUS STDOUT-PATTERN STDERR-PATTERN bump-run-args...
expect() {
	want=$1 out_pat=$2 err_pat=$3; shift 3
	"$tmp/bump-run" "$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "bump-run $*: exit $got, expected $want ($(head -c 200 "$tmp/err"))"
	elif ! matches "$tmp/out" "$out_pat"; then
		fail "bump-run $*: stdout is not '$out_pat': $(head -c 200 "$tmp/out")"
	elif ! matches "$tmp/err" "$err_pat"; then
		fail "bump-run $*: stderr is not '$err_pat': $(head -c 200 "$tmp/err")"
	else
		echo "PASS: bump-run $* (exit $got)"
	fi
}
expect 0 '^usage: bump-run' - --help
expect 0 '^usage: bump-run' - -h
expect 0 "^bump-run (bump_alloc) $PACKAGE_VERSION\$" - --version
for args in "-s ''" "--size ''" "--size=" "--free=" "--on-exhaust=" "--free" \
    "--on-exhaust bogus" "--free never" "--no-such-option"; do
	eval "expect 2 - '^bump-run: ' $args -- true"
done
expect 2 - 'no program' --stats
expect 3 - - -- sh -c 'exit 3'
expect 127 - 'no-such-program-bump: command not found' -- no-such-program-bump
expect 127 - 'No such file' -- ./no/such/program
: > "$tmp/not-executable"
expect 126 - 'Permission denied' -- "$tmp/not-executable"
expect 126 - 'Permission denied' -- "$tmp"
"$tmp/bump-run-nolib" -- true 2> "$tmp/err"
got=$?
if [ $got -eq 125 ] && grep -q 'missing.so.0 is missing' "$tmp/err"; then
	echo "PASS: bump-run without its library (exit 125)"
else
	fail "bump-run without its library: exit $got, $(cat "$tmp/err")"
fi

# The options reach the library; LD_PRELOAD keeps what was there, after it.
LD_PRELOAD=libm.so.6 "$tmp/bump-run" --size=64M --stats --free=lifo --on-exhaust=null -- \
	sh -c 'echo "$BUMP_ALLOC_SIZE $BUMP_ALLOC_FREE $BUMP_ALLOC_ON_EXHAUST $LD_PRELOAD"; exec cat /dev/null' \
	> "$tmp/out" 2> "$tmp/err"
if [ "$(cat "$tmp/out")" = "64M lifo null $so libm.so.6" ] &&
    grep -q 'bump_alloc: pid .*reserve 64 MiB, free=lifo, on-exhaust=null' "$tmp/err"; then
	echo "PASS: bump-run sets the environment; the library reports it"
else
	fail "bump-run's environment: $(cat "$tmp/out") / $(head -c 300 "$tmp/err")"
fi
exit $status
