#!/bin/sh
# Every man page is clean under `mandoc -Tlint -W all`.
#
# mandoc resolves .Xr only against an indexed /usr/share/man, so before an
# install it cannot see our own pages.  Those two messages are checked here
# instead: the target must be one of our pages or link names, or a page
# installed on this system.  Every other message fails the test.
if [ -z "$MANDOC" ]; then
	echo "SKIP: mandoc not found (Debian: apt-get install mandoc)"
	exit 77
fi

xr_exists() {	# name section
	[ -f "$top_srcdir/man/$1.$2" ] && return 0
	grep -qx "$1" "$top_srcdir/tests/symbols.txt" && [ "$2" = 3 ] && return 0
	# The malloc family: the global allocator defines them, the C library
	# documents them (manpages-dev).
	grep -qx "$1" "$top_srcdir/tests/malloc_symbols.txt" && [ "$2" = 3 ] && return 0
	ls /usr/share/man/man"$2"/"$1".* >/dev/null 2>&1
}

status=0
for page in "$top_srcdir"/man/*.[0-9]; do
	bad=$("$MANDOC" -Tlint -W all "$page" 2>&1 | while IFS= read -r line; do
		case $line in
		*"referenced manual not found: Xr "*)
			set -- $(printf '%s\n' "${line##*: Xr }")
			xr_exists "$1" "$2" || printf '%s\n' "$line";;
		*"outdated mandoc.db lacks "*)
			;;	# the page exists; the system index is stale
		*)
			printf '%s\n' "$line";;
		esac
	done)
	if [ -n "$bad" ]; then
		printf '%s\n' "$bad"
		status=1
	else
		echo "PASS: $page"
	fi
done
exit $status
