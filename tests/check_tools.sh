#!/bin/sh
# check_tools.sh - AddressSanitizer and Valgrind's memcheck see inside arenas:
# each bug in tool_victim must be reported by every tool this build supports.
# Skips (77) when the build has neither ASan nor Valgrind hooks + valgrind.
set -u
victim=${top_builddir:-.}/tests/tool_victim
bugs="reset rewind free shrink beyond"
out=${TMPDIR:-/tmp}/check_tools.$$
trap 'rm -f "$out"' EXIT
tools=$("$victim" tools) || { echo "tool_victim does not run"; exit 99; }
status=0 ran=0

# expect TOOL BUG PATTERN CMD...: CMD fails and its stderr matches PATTERN.
expect() {
	tool=$1 bug=$2 pattern=$3
	shift 3
	"$@" >/dev/null 2>"$out"
	rc=$?
	if [ $rc -ne 0 ] && grep -q "$pattern" "$out"; then
		echo "ok: $tool reports '$bug'"
	else
		echo "FAIL: $tool missed '$bug' (exit $rc):"
		sed 's/^/    /' "$out" | head -20
		status=1
	fi
	ran=$((ran + 1))
}

# clean TOOL CMD...: a program without bugs runs clean under the tool.
clean() {
	tool=$1
	shift
	if "$@" >/dev/null 2>"$out"; then
		echo "ok: $tool quiet on correct code"
	else
		echo "FAIL: $tool complains about correct code:"
		sed 's/^/    /' "$out" | head -20
		status=1
	fi
	ran=$((ran + 1))
}

case $tools in
*asan*)
	export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
	for bug in $bugs; do
		expect ASan "$bug" 'AddressSanitizer: use-after-poison' \
			"$victim" "$bug"
	done
	BUMP_ALLOC_REDZONE=16 expect ASan 'overrun (red zone 16)' \
		'AddressSanitizer: use-after-poison' "$victim" overrun
	clean ASan "$victim" clean
	;;
esac

# Valgrind cannot run an ASan build.
case $tools in
*asan*) ;;
*valgrind*)
	if [ -z "${VALGRIND:-}" ]; then
		echo "valgrind not installed: memcheck part skipped"
	else
		vg="$VALGRIND -q --error-exitcode=99 --leak-check=no"
		for bug in $bugs; do
			expect memcheck "$bug" 'Invalid read' $vg "$victim" "$bug"
		done
		BUMP_ALLOC_REDZONE=16 expect memcheck 'overrun (red zone 16)' \
			'Invalid write' $vg "$victim" overrun
		expect memcheck uninit 'uninitialised value' $vg "$victim" uninit
		clean memcheck $vg "$victim" clean
	fi
	;;
esac

if [ $ran -eq 0 ]; then
	echo "neither an ASan build nor Valgrind hooks with valgrind: skipped"
	exit 77
fi
exit $status
