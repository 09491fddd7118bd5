#!/bin/bash
# CI job of the global allocator: install the real programs the test runs
# under LD_PRELOAD, then run it (and the allocator's Check suite) with
# every program required, and check the installed bump-run and pkg-config.
# Runs after .ci/run's quick start, in the same tree.  Budget: 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq python3 perl sqlite3 git xz-utils g++ >/dev/null

make -j2
BUMP_REQUIRE_PROGRAMS=1 make check \
	TESTS='tests/test_malloc tests/stress_malloc tests/check_symbols.sh tests/check_programs.sh' \
	||
	{ cat tests/test_malloc.log tests/stress_malloc.log tests/check_programs.sh.log 2>/dev/null | tail -60; exit 1; }
cat tests/check_programs.sh.log

# The installed command and the pkg-config variables: the versioned soname.
preload=$(pkg-config --variable=preload bump_alloc_malloc)
test "$preload" = "$(pkg-config --variable=preload bump_alloc)"
case $preload in */libbump_alloc_malloc.so.[0-9]*) ;; *) exit 1;; esac
test -f "$preload"
man -w 1 bump-run
man -w 3 bump_alloc_malloc
bump-run --stats -- python3 -c 'print("hello from bump-run")'
LD_PRELOAD=$preload sort --version > /dev/null
# The installed header and library: a program reads the figures itself.
tmp=$(mktemp -d)
cat > "$tmp/stats.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <bump_alloc_malloc.h>
int
main(void)
{
	struct bump_malloc_stats st;

	free(malloc(100));
	if (bump_malloc_stats(&st) != 0 || st.mallocs < 1 || st.frees < 1)
		return 1;
	printf("bump_malloc_stats: %llu mallocs, %llu frees\n", st.mallocs, st.frees);
	return 0;
}
EOF
libdir=$(pkg-config --variable=libdir bump_alloc)
cc -o "$tmp/stats" "$tmp/stats.c" $(pkg-config --cflags bump_alloc) -L"$libdir" -lbump_alloc_malloc
LD_LIBRARY_PATH=$libdir "$tmp/stats"
rm -rf "$tmp"
echo "global allocator: all green"
