#!/bin/sh
# The version and the interface version are set once, in configure.ac:
# the newest NEWS entry, README's release route and the Debian changelog
# must name PACKAGE_VERSION, and the man pages and README the soname that
# libtool derives (BUMP_ALLOC_MALLOC_SONAME, on ELF systems).
status=0
case $BUMP_ALLOC_MALLOC_SONAME in
*.so.*)
	stale=$(grep -Eno 'libbump_alloc_malloc\.so\.[0-9]+' "$top_srcdir"/man/*.[0-9] \
		"$top_srcdir/README" | grep -v ":$BUMP_ALLOC_MALLOC_SONAME\$")
	if [ -n "$stale" ]; then
		echo "FAIL: the soname is $BUMP_ALLOC_MALLOC_SONAME, but these say otherwise:"
		echo "$stale"
		status=1
	else
		echo "PASS: man pages and README name $BUMP_ALLOC_MALLOC_SONAME"
	fi;;
esac
news=$(sed -n '1s/^bump_alloc \([^ ]*\) .*/\1/p' "$top_srcdir/NEWS")
if [ "$news" != "$PACKAGE_VERSION" ]; then
	echo "FAIL: NEWS starts with '$(head -n 1 "$top_srcdir/NEWS")', not bump_alloc $PACKAGE_VERSION"
	status=1
else
	echo "PASS: NEWS describes $PACKAGE_VERSION"
fi
# README's release route names the current tarball.
if grep -q "tar xzf bump_alloc-$PACKAGE_VERSION.tar.gz && cd bump_alloc-$PACKAGE_VERSION\$" "$top_srcdir/README"; then
	echo "PASS: README unpacks bump_alloc-$PACKAGE_VERSION.tar.gz"
else
	echo "FAIL: README's \"From a release tarball\" does not name bump_alloc-$PACKAGE_VERSION.tar.gz"
	status=1
fi
changelog=$top_srcdir/debian/changelog
if [ ! -f "$changelog" ]; then
	echo "SKIP: no debian/changelog (a release tarball leaves debian/ out)"
else
	deb=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$changelog")
	upstream=${deb#*:}
	upstream=${upstream%-*}
	if [ "$upstream" != "$PACKAGE_VERSION" ]; then
		echo "FAIL: debian/changelog is at $deb, configure.ac at $PACKAGE_VERSION"
		status=1
	else
		echo "PASS: debian/changelog ($deb) packages $PACKAGE_VERSION"
	fi
fi
exit $status
