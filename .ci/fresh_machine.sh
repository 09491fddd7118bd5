#!/bin/bash
# .ci/fresh_machine.sh [ROOT]: the README's Debian route, word for word, on
# a fresh Debian 12 machine.  debootstrap makes a clean bookworm root in
# ROOT (default /tmp/fresh; it is made anew each time), a user with sudo
# (newcomer) gets a fresh clone of the committed HEAD, and runs the
# commands of README's "Debian packages" section in it, one after the
# other, as a login shell in a chroot: apt-get inside the root, the
# package build with its tests (make check, the man page test).  Then the
# installed packages are used: a program built with pkg-config, bump-run.
#
# Needs root, network access to Debian's archive (MIRROR, default
# http://deb.debian.org/debian) and about 1.5 GB in ROOT; takes some
# minutes (the README, "Building in more detail", gives a figure).  Not
# part of .ci/run: .ci/debian.sh runs the same commands on the CI machine.
set -euo pipefail
ci_job=fresh
# shellcheck source=.ci/lib.sh
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
root=${1:-/tmp/fresh}
mirror=${MIRROR:-http://deb.debian.org/debian}
start=$(date +%s)

# The root's pseudo-filesystems, unmounted whatever happens.
mounts="proc sys dev/pts dev"
unmount_all() {
	for m in $mounts; do
		umount "$root/$m" 2>/dev/null || true
	done
}
trap unmount_all EXIT

step "debootstrap bookworm into $root"
install_packages debootstrap git
unmount_all
# Never remove through a mount (the host's /dev is bound in there).
if grep -q " $root/" /proc/mounts; then
	echo "still mounted under $root:"; grep " $root/" /proc/mounts; exit 1
fi
rm -rf "$root"
debootstrap bookworm "$root" "$mirror" > "/tmp/fresh-debootstrap.log" 2>&1 ||
	{ tail -30 /tmp/fresh-debootstrap.log; exit 1; }
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"

step "a user with sudo, and a fresh clone of HEAD"
# What the machine's administrator did before the newcomer logged in.
chroot "$root" apt-get -qq update
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y sudo >/dev/null
chroot "$root" useradd --create-home --shell /bin/bash newcomer
echo 'newcomer ALL=(ALL) NOPASSWD: ALL' > "$root/etc/sudoers.d/newcomer"
chmod 0440 "$root/etc/sudoers.d/newcomer"
clone=$root/home/newcomer/bump_alloc
git clone --quiet --no-checkout "$src" "$clone"
git -C "$clone" checkout --quiet "$(git -C "$src" rev-parse HEAD)"
git -C "$clone" log --oneline -1
chroot "$root" chown -R newcomer:newcomer /home/newcomer/bump_alloc

# as_newcomer COMMAND: COMMAND in a login shell of the newcomer, in the clone.
as_newcomer() {
	chroot "$root" su - newcomer -c "cd bump_alloc && $1"
}

readme_commands "$src/README" "Debian packages" > /tmp/fresh-route.sh
while IFS= read -r command; do
	step "README, as written: $command"
	as_newcomer "$command" > /tmp/fresh-step.log 2>&1 < /dev/null ||
		{ tail -60 /tmp/fresh-step.log; exit 1; }
	tail -n 5 /tmp/fresh-step.log
	grep -h '^# \(TOTAL\|PASS\|SKIP\|FAIL\|ERROR\)' /tmp/fresh-step.log || true
done < /tmp/fresh-route.sh

step "the installed packages at work"
chroot "$root" dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\n' \
	'libbump-alloc*' 'bump-alloc*'
as_newcomer 'cc -o demo tests/pkgconfig_demo.c $(pkg-config --cflags --libs bump_alloc) && ./demo'
as_newcomer 'bump-run --stats -- ls / > /dev/null'
step "all green in $(( $(date +%s) - start )) seconds"
