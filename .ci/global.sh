#!/bin/bash
# CI job of the global allocator: install the real programs the test runs
# under LD_PRELOAD, then run it (and the allocator's Check suite) with
# every program required, and check the installed bump-run and pkg-config.
# Runs after .ci/run's quick start, in the same tree.  Budget: 10 minutes.
set -euo pipefail
ci_job=global
# shellcheck source=.ci/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

step "packages: the programs run under LD_PRELOAD"
install_packages python3 perl sqlite3 git xz-utils g++

make -j2
BUMP_REQUIRE_PROGRAMS=1 make check \
	TESTS='tests/test_malloc tests/stress_malloc tests/check_symbols.sh tests/check_programs.sh' \
	|| { show_logs .; exit 1; }
cat tests/check_programs.sh.log

step "the installed bump-run, pkg-config variables, header and library"
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
