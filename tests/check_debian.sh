#!/bin/sh
# README's Debian route and debian/ agree, so that the route works word for
# word (CI runs it: .ci/debian.sh, .ci/fresh_machine.sh):
#   - README's first apt-get line, with -y, names every package of
#     debian/control's Build-Depends (debhelper for debhelper-compat);
#   - its last apt-get line, with -y, installs every binary package of
#     debian/control as ../NAME_*.deb, and no other .deb (no -dbgsym);
#   - debian/*.symbols list exactly the functions each library exports
#     (tests/symbols.txt, tests/malloc_symbols.txt).
set -f	# README's globs are words here
control=$top_srcdir/debian/control
if [ ! -f "$control" ]; then
	echo "SKIP: no debian/ (a release tarball leaves it out)"
	exit 77
fi
. "$top_srcdir/.ci/lib.sh"
status=0
fail() {
	echo "FAIL: $*"
	status=1
}

commands=$(readme_commands "$top_srcdir/README" "Debian packages")
deps_line=$(printf '%s\n' "$commands" | grep '^sudo apt-get install' | head -n 1)
debs_line=$(printf '%s\n' "$commands" | grep '^sudo apt-get install' | tail -n 1)
[ -n "$deps_line" ] && [ "$deps_line" != "$debs_line" ] ||
	fail "README's Debian section has no apt-get line for the build dependencies and one for the packages"

# The field FIELD of debian/control's paragraphs, continuation lines joined.
field() {
	awk -v field="$1" '
		/^[^ \t]/ { on = index($0, field ":") == 1 }
		on { sub("^" field ":", ""); printf "%s ", $0 }
		/^$/ { on = 0 }' "$control"
}

for dep in $(field Build-Depends | sed -e 's/([^)]*)//g' -e 's/<[^>]*>//g' \
	-e 's/\[[^]]*\]//g' -e 's/,/ /g'); do
	case $dep in debhelper-compat) dep=debhelper;; esac
	case " $deps_line " in
	*" $dep "*) ;;
	*) fail "README's apt-get line does not install $dep (Build-Depends): $deps_line";;
	esac
done
for line in "$deps_line" "$debs_line"; do
	case $line in
	"sudo apt-get install -y "*) ;;
	*) fail "not non-interactive (apt-get install -y): $line";;
	esac
done

expected=$(for pkg in $(field Package); do echo "../${pkg}_*.deb"; done | LC_ALL=C sort)
named=$(for word in $debs_line; do
	case $word in *.deb) echo "$word";; esac
done | LC_ALL=C sort)
if [ "$named" != "$expected" ]; then
	fail "README installs these .deb files:" $named "; debian/control builds:" $expected
fi

# symbols FILE LIST: FILE names exactly the functions of tests/LIST.
symbols() {
	listed=$(sed -n 's/^ \([^@]*\)@Base .*/\1/p' "$top_srcdir/debian/$1" | LC_ALL=C sort)
	exported=$(LC_ALL=C sort "$top_srcdir/tests/$2")
	if [ "$listed" != "$exported" ]; then
		fail "debian/$1 differs from tests/$2 (< symbols file, > exported):"
		printf '%s\n' "$listed" > "$1.listed.tmp"
		printf '%s\n' "$exported" > "$1.exported.tmp"
		diff "$1.listed.tmp" "$1.exported.tmp"
		rm -f "$1.listed.tmp" "$1.exported.tmp"
	fi
}
symbols libbump-alloc0.symbols symbols.txt
symbols libbump-alloc-malloc0.symbols malloc_symbols.txt

[ "$status" = 0 ] && echo "PASS: README's Debian route names every build dependency and package; symbols files complete"
exit $status
