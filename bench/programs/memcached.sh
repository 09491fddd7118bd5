#!/bin/sh
# memcached.sh - a real server under the allocator being measured:
# memcached (4 threads) on a unix socket, driven by libmemcached's own
# benchmark client, memcslap: CLIENTS client threads set KEYS keys each,
# then get them (memcslap loads its keys again before the gets), so
# 3 x CLIENTS x KEYS requests in all.  Run by bench/programs.sh through
# runstat, which sets LD_PRELOAD: it goes to the server alone (the client
# keeps the C library's malloc).  runstat's figures are then the whole
# run's wall time (start and stop of the server included, a few ms) and
# the largest peak RSS of the processes, the server's.
# Usage: memcached.sh [KEYS [CLIENTS]]   (default 4000 keys, 8 clients)
# Debian: apt-get install memcached libmemcached-tools
set -eu

keys=${1:-4000}
clients=${2:-8}
preload=${LD_PRELOAD:-}
unset LD_PRELOAD
dir=$(mktemp -d)
sock=$dir/memcached.sock
# The server as root needs -u; the item memory holds every key.
user=
[ "$(id -u)" = 0 ] && user="-u root"
# shellcheck disable=SC2086 # $user: an option and its argument, or nothing
LD_PRELOAD=$preload memcached $user -s "$sock" -t 4 -m 1024 -c 256 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT
tries=0
while [ ! -S "$sock" ]; do
	tries=$((tries + 1))
	if [ "$tries" -gt 500 ]; then
		echo "memcached.sh: the server did not start" >&2
		exit 1
	fi
	sleep 0.01
done
for test in set get; do
	memcslap --servers="$sock" --test=$test --concurrency="$clients" \
		--execute-number="$keys" --binary > "$dir/client" 2>&1 ||
		{ cat "$dir/client" >&2; exit 1; }
done
# SIGTERM: memcached exits through exit(), so BUMP_ALLOC_STATS reports.
kill -TERM "$server"
status=0
wait "$server" || status=$?
trap 'rm -rf "$dir"' EXIT
exit "$status"
