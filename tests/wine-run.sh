#!/bin/sh
# LOG_COMPILER of a cross build for Windows: run a test program under wine,
# headless, in a wine prefix of its own; scripts run as they are.
case $1 in
*.exe) ;;
*) exec "$@" ;;
esac
if [ -z "$WINE" ]; then
	echo "SKIP: $1 needs wine to run (Debian: apt-get install wine wine64)"
	exit 77
fi
WINEPREFIX=${WINEPREFIX:-${TMPDIR:-/tmp}/bump_alloc-wine-$(id -u)}
WINEDEBUG=${WINEDEBUG:--all}
# Our DLL first, then the compiler's runtime DLLs.
WINEPATH="$top_builddir/lib/.libs${WINE_DLLPATH:+;$WINE_DLLPATH}"
export WINEPREFIX WINEDEBUG WINEPATH
unset DISPLAY
# The first run creates the prefix; tests started in parallel must wait.
if [ ! -f "$WINEPREFIX/system.reg" ]; then
	mkdir -p "$WINEPREFIX.lock"
	flock "$WINEPREFIX.lock" sh -c \
	    '[ -f "$WINEPREFIX/system.reg" ] || "$WINE" wineboot -i' >/dev/null 2>&1
fi
exec "$WINE" "$@"
