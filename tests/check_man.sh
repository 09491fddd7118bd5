#!/bin/sh
# Every man page is clean under mandoc's strictest lint.
if [ -z "$MANDOC" ]; then
	echo "SKIP: mandoc not found (Debian: apt-get install mandoc)"
	exit 77
fi
status=0
for page in "$top_srcdir"/man/*.[0-9]; do
	out=$("$MANDOC" -Tlint -W all "$page" 2>&1)
	if [ -n "$out" ]; then
		printf '%s\n' "$out"
		status=1
	else
		echo "PASS: $page"
	fi
done
exit $status
