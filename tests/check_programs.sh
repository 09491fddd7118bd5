#!/bin/sh
# Real programs under LD_PRELOAD=libbump_alloc_malloc.so give the same
# output as without it: python3 (threads, fork), perl, a C++ program using
# the standard containers, sort, sqlite3, the C compiler, git, xz with
# threads (bump-run has tests/check_bump_run.sh).  A program that is not
# installed is skipped, unless BUMP_REQUIRE_PROGRAMS=1 (the CI job sets it).
lib="$top_builddir/lib/.libs/libbump_alloc_malloc.so"
[ -f "$lib" ] || { echo "SKIP: no $lib"; exit 77; }
lib=$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")
srcdir=$(cd "$top_srcdir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bump-programs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
unset BUMP_ALLOC_SIZE BUMP_ALLOC_FREE BUMP_ALLOC_ON_EXHAUST BUMP_ALLOC_STATS
status=0 ran=0 skipped=0

have() {	# program
	if command -v "$1" >/dev/null 2>&1; then
		return 0
	fi
	if [ "${BUMP_REQUIRE_PROGRAMS:-0}" = 1 ]; then
		echo "FAIL: $1 is not installed (BUMP_REQUIRE_PROGRAMS=1)"
		status=1
	else
		echo "SKIP: $1 is not installed"
	fi
	skipped=$((skipped + 1))
	return 1
}

# same NAME CMD...: run CMD plainly and preloaded (also with a 16 MiB
# reserve, so that the fallback to glibc is exercised), compare stdout+status.
same() {
	name=$1; shift
	"$@" > "$tmp/plain.out" 2> "$tmp/plain.err"
	plain=$?
	for env in "" "BUMP_ALLOC_SIZE=16M"; do
		(export LD_PRELOAD="$lib"; [ -z "$env" ] || export "$env"; "$@") \
			> "$tmp/bump.out" 2> "$tmp/bump.err"
		bump=$?
		if [ $bump -ne $plain ] || ! cmp -s "$tmp/plain.out" "$tmp/bump.out" ||
		    grep -q '^bump_alloc' "$tmp/bump.err"; then
			echo "FAIL: $name ${env:-(default reserve)}: exit $plain vs $bump"
			diff "$tmp/plain.out" "$tmp/bump.out" | head -20
			head -20 "$tmp/bump.err"
			status=1
			return 1
		fi
	done
	echo "PASS: $name ($(wc -c < "$tmp/plain.out") bytes of output)"
	ran=$((ran + 1))
}

python=$(command -v /usr/bin/python3 || command -v python3)
if [ -n "$python" ] || have python3; then
	cat > "$tmp/work.py" <<'PY'
import json, os, sys, threading, hashlib
data = {str(i): {"n": i, "sq": [i * j for j in range(20)], "s": "x" * (i % 50)}
        for i in range(30000)}
text = json.dumps(data, sort_keys=True)
back = json.loads(text)
print(len(text), hashlib.sha256(text.encode()).hexdigest())
results = [None] * 4
def work(k):
    d = {}
    for i in range(100000):
        d[(i * 7919 + k) % 50021] = str(i) * (i % 7)
        if i % 3 == 0:
            d.pop((i * 31) % 50021, None)
    results[k] = sum(len(v) for v in d.values())
threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print("threads", results)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    child = json.dumps([list(range(i)) for i in range(300)])
    os.write(w, hashlib.md5(child.encode()).hexdigest().encode())
    os._exit(0)
os.close(w)
print("fork child", os.read(r, 100).decode(), os.waitpid(pid, 0)[1])
PY
	same python3 "$python" "$tmp/work.py"
fi

if have perl; then
	same perl perl -e '
		my %h; my @a;
		for my $i (1..200000) { $h{"k" . ($i * 7 % 50000)} .= chr(65 + $i % 26); push @a, $i * 3 % 1000; }
		delete $h{"k$_"} for grep { $_ % 3 == 0 } 1..50000;
		my @s = sort { $a <=> $b } @a; my $t = join(",", map { length $h{$_} } sort keys %h);
		print scalar(keys %h), " $s[0] $s[-1] ", length($t), "\n";
		(my $x = "abc" x 100000) =~ s/b/BB/g; print length($x), "\n";'
fi

if have sort; then
	awk 'BEGIN { for (i = 0; i < 300000; i++) printf "%d line %x\n", (i * 7919) % 100003, i }' > "$tmp/lines"
	same sort sort --parallel=2 -S 1M -T "$tmp" -k1,1n -k3 "$tmp/lines"
fi

if have sqlite3; then
	same sqlite3 sqlite3 :memory: "
		CREATE TABLE t(a INTEGER, b TEXT);
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
		INSERT INTO t SELECT i, printf('row %d %s', i, hex(i * 7919)) FROM n;
		CREATE INDEX tb ON t(b);
		SELECT count(*), sum(a), max(b), min(length(b)) FROM t;
		SELECT a % 7, count(*) FROM t GROUP BY 1 ORDER BY 1;"
fi

cc=${CC:-cc}
if have "$cc"; then
	# The compiler under the library produces the same object file.
	"$cc" -O2 -c -o "$tmp/plain.o" "$srcdir/tests/programs/churn.c" &&
	LD_PRELOAD="$lib" "$cc" -O2 -c -o "$tmp/bump.o" "$srcdir/tests/programs/churn.c" &&
	cmp -s "$tmp/plain.o" "$tmp/bump.o" &&
	"$cc" -o "$tmp/churn" "$tmp/plain.o" && echo "PASS: $cc compiles under the library" ||
	{ echo "FAIL: $cc under the library"; status=1; }
	[ -x "$tmp/churn" ] && same churn "$tmp/churn"
fi

if [ -x "$tmp/churn" ]; then
	# Pointers from a library opened with RTLD_DEEPBIND (glibc's malloc).
	if "$cc" -shared -fPIC -o "$tmp/deepbind_lib.so" "$srcdir/tests/programs/deepbind_lib.c" &&
	    "$cc" -o "$tmp/deepbind_main" "$srcdir/tests/programs/deepbind_main.c" -ldl; then
		same "RTLD_DEEPBIND pointers" "$tmp/deepbind_main" "$tmp/deepbind_lib.so"
	else
		echo "FAIL: cannot build the RTLD_DEEPBIND test"; status=1
	fi
fi

cxx=${CXX:-c++}
if have "$cxx"; then
	if "$cxx" -O2 -pthread -o "$tmp/containers" "$srcdir/tests/programs/containers.cc"; then
		same "C++ containers" "$tmp/containers"
	else
		echo "FAIL: cannot build tests/programs/containers.cc"; status=1
	fi
fi

if have git; then
	git_run() {
		rm -rf "$tmp/repo" && mkdir "$tmp/repo" && cd "$tmp/repo" || return 1
		export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org \
			GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org \
			GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' \
			GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
			GIT_CONFIG_NOSYSTEM=1 HOME="$tmp"
		git init -q -b main . && for i in 1 2 3; do
			seq $((i * 1000)) > "file$i"; git add "file$i"
			git commit -q -m "commit $i"
		done && git log --stat --format='%H %s' && git gc -q &&
		git fsck --no-progress 2>&1 && git rev-list --all --objects | sort
	}
	same git git_run
	cd "$srcdir" || exit 1
fi

if have xz; then
	head -c 20000000 "$tmp/lines" > "$tmp/xzin" 2>/dev/null
	cat "$tmp/lines" "$tmp/lines" "$tmp/lines" >> "$tmp/xzin" 2>/dev/null
	xz_run() { xz -T2 --block-size=1MiB -6 -c "$tmp/xzin" | tee "$tmp/xzout" | cksum &&
		xz -T2 -dc "$tmp/xzout" | cksum; }
	same "xz -T2" xz_run
fi

echo "$ran programs compared, $skipped skipped"
exit $status
