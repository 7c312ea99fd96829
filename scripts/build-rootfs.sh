#!/usr/bin/env bash
# Builds the Debian 12 root filesystem the local cloud boots for every server
# (local-cloud/machines): debootstrap --variant=minbase with the packages in
# ROOTFS_PACKAGES, from the Debian mirror this machine's apt uses, into
# $TENANT_TOOLS_DIR/rootfs/$ROOTFS_VERSION. Built in a temporary directory and
# renamed into place only when complete, then stamped, so an interrupted build
# is never taken for a finished one. Needs root (debootstrap, chroot).
#   scripts/build-rootfs.sh            # build unless the stamp says it is there
#   scripts/build-rootfs.sh --print    # print the directory it builds into
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tool-versions.sh
. "$here/tool-versions.sh"
TENANT_TOOLS_DIR="${TENANT_TOOLS_DIR:-$HOME/.cache/tenant-platform-tools}"
dest="$TENANT_TOOLS_DIR/rootfs/$ROOTFS_VERSION"
# One stamp per version, holding its package list: checkouts pinning different
# versions share the cache without rebuilding (and removing) each other's
# rootfs under running servers, and one version never means two package lists.
stamp="$TENANT_TOOLS_DIR/stamps/rootfs-$ROOTFS_VERSION"
[[ "${1:-}" == "--print" ]] && { echo "$dest"; exit 0; }

if [[ -f "$stamp" && -x "$dest/usr/sbin/sshd" ]]; then
  if [[ "$(cat "$stamp")" == "$ROOTFS_PACKAGES" ]]; then
    echo "rootfs $ROOTFS_VERSION (cached) $dest"
    exit 0
  fi
  echo "rootfs $ROOTFS_VERSION in $dest was built with other packages ($(cat "$stamp")); bump ROOTFS_VERSION in scripts/tool-versions.sh when ROOTFS_PACKAGES changes" >&2
  exit 1
fi
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"

# The bookworm mirror of this machine's apt sources (deb822 or one-line format).
mirror() {
  local uri
  uri=$(awk '/^URIs:/ {u=$2} /^Suites:/ && u && $0 ~ /bookworm( |$)/ {print u; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [[ -z "$uri" ]] && uri=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# What every server needs beyond plain Debian, and nothing that is per server
# (host keys, machine-id, hostname, resolv.conf are written by the local cloud
# when it creates a server).
customize() {
  local root="$1"
  rm -f "$root"/etc/ssh/ssh_host_*
  : >"$root/etc/machine-id"
  echo localhost >"$root/etc/hostname"
  rm -f "$root/etc/resolv.conf"
  # Installed for the roles, started by them: a fresh server runs what a fresh
  # Hetzner server runs (bookworm's fail2ban fails to start before the baseline
  # gives it the systemd backend, which would leave every new server degraded).
  chroot "$root" systemctl disable --quiet fail2ban.service 2>/dev/null || true
  # Periodic jobs that would only burn CPU on a laptop full of servers.
  for t in apt-daily apt-daily-upgrade dpkg-db-backup e2scrub_all fstrim; do
    ln -sf /dev/null "$root/etc/systemd/system/$t.timer"
  done
  # PostgreSQL is there for the servers that hold a tenant's data plane; the
  # others should not run it, so it does not start at boot (a role enables it).
  rm -f "$root/etc/systemd/system/multi-user.target.wants/postgresql.service"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
}

mkdir -p "$TENANT_TOOLS_DIR/rootfs" "$TENANT_TOOLS_DIR/stamps"
tmp="$TENANT_TOOLS_DIR/rootfs/.build-$ROOTFS_VERSION.$$"
trap '$SUDO rm -rf "$tmp"' EXIT
$SUDO rm -rf "$TENANT_TOOLS_DIR/rootfs/.build-$ROOTFS_VERSION".*
started=$SECONDS
echo "building rootfs $ROOTFS_VERSION from $(mirror) (first run only, a few minutes)" >&2
$SUDO debootstrap --variant=minbase --include="$ROOTFS_PACKAGES" bookworm "$tmp" "$(mirror)" >"$tmp.log" 2>&1 || {
  tail -20 "$tmp.log" >&2; rm -f "$tmp.log"; exit 1; }
rm -f "$tmp.log"
$SUDO bash -c "$(declare -f customize); customize '$tmp'"
$SUDO rm -rf "$dest"
$SUDO mv "$tmp" "$dest"
printf '%s' "$ROOTFS_PACKAGES" >"$stamp.tmp" && mv -f "$stamp.tmp" "$stamp"
echo "rootfs $ROOTFS_VERSION (built in $((SECONDS - started)) s) $dest"
