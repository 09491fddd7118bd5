# .ci/lib.sh - what the CI scripts share; each one sources it first:
#     ci_job=NAME	# (optional) prefixes its step headings
#     . "$(dirname "$0")/lib.sh"
# Debian 12, root.

export DEBIAN_FRONTEND=noninteractive

# step WORDS: a heading in the CI log.
step() {
	printf '\n=== %s%s\n' "${ci_job:+$ci_job: }" "$*"
}

# apt_get ARGS: apt-get, quiet, waiting up to 10 minutes for another
# apt-get (an earlier job's, unattended upgrades) to let go of its lock.
apt_get() {
	apt-get -o DPkg::Lock::Timeout=600 -qq "$@"
}

# install_packages PACKAGE...: install them (or local ./*.deb files).
install_packages() {
	apt_get install -y "$@" >/dev/null
}

# show_logs BUILD_DIR: the end of each failed test's log in BUILD_DIR
# (. for here), or of every log when none is marked failed.
show_logs() {
	local dir=${1:-.} trs failed=
	for trs in "$dir"/tests/*.trs; do
		[ -f "$trs" ] || continue
		if grep -Eq '^:test-result: (FAIL|ERROR|XPASS)' "$trs"; then
			failed=1
			printf '\n--- %s\n' "${trs%.trs}.log"
			tail -n 60 "${trs%.trs}.log"
		fi
	done
	[ -n "$failed" ] || tail -n 60 "$dir"/tests/*.log 2>/dev/null || true
}

# readme_commands README TITLE: the commands README shows in its section TITLE
# (a title line over a line of dashes), as the reader types them: the
# lines indented by four spaces, one command a line.  CI runs the README's
# words, not a copy of its own (.ci/debian.sh, .ci/fresh_machine.sh).
readme_commands() {
	awk -v title="$2" '
		{ line[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				if (i < NR && line[i + 1] ~ /^--*$/) {
					inside = line[i] == title
					i++
				} else if (inside && line[i] ~ /^    [^ ]/) {
					print substr(line[i], 5)
				}
			}
		}' "$1"
}
