#!/bin/sh
# The version is set once, in configure.ac (PACKAGE_VERSION): the Debian
# changelog's upstream version and the newest NEWS entry must agree.
status=0
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
