#!/bin/sh
# The examples (examples/*.c, *.cc: arenas under zlib, protobuf-c, Lua,
# expat and std::pmr) built against the INSTALLED library, as a user
# builds them (pkg-config bump_alloc, examples/Makefile), and run: each
# checks its own results and exits 0.  Skipped when this version is not
# installed (make install first), and one by one when an example's library
# is missing (examples/build.sh says which Debian package has it).
# EXAMPLES_REQUIRED=yes (CI) makes a skipped example a failure.
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
if [ -n "$EXEEXT" ]; then
	echo "SKIP: the examples are POSIX programs, this is a build for Windows"
	exit 77
fi
installed=$("$PKG_CONFIG" --modversion bump_alloc 2>/dev/null)
if [ -z "$installed" ]; then
	echo "SKIP: bump_alloc is not installed (make install, then make check)"
	exit 77
fi
if [ "$installed" != "$PACKAGE_VERSION" ]; then
	echo "SKIP: bump_alloc $installed is installed, not $PACKAGE_VERSION (make install first)"
	exit 77
fi
libdir=$("$PKG_CONFIG" --variable=libdir bump_alloc)
echo "bump_alloc $installed in $libdir"

dir=$(mktemp -d "${TMPDIR:-/tmp}/bump-examples.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
status=0
sh "$top_srcdir/examples/build.sh" "$dir" > "$dir/build.log" 2>&1 || status=1
cat "$dir/build.log"
if [ "${EXAMPLES_REQUIRED:-no}" = yes ] && grep -q '^SKIP' "$dir/build.log"; then
	echo "FAIL: EXAMPLES_REQUIRED=yes, and an example was skipped"
	status=1
fi
# A prefix outside the loader's path (./configure --prefix) needs this.
LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
for name in $(cat "$dir/built"); do
	out=$("$dir/$name" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	if [ "$rc" = 0 ]; then
		echo "PASS: $name"
	else
		echo "FAIL: $name exited with $rc"
		status=1
	fi
done
exit $status
