# Pinned versions of the toolchain. One place to bump; sourced by
# install-tools.sh and tools-env.sh.
OPENTOFU_VERSION=1.12.6
HCLOUD_PROVIDER_VERSION=1.68.0
SOPS_VERSION=3.13.2
# MinIO and mc publish no semver tags: pin the Go pseudo-versions.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MC_VERSION=v0.0.0-20250313080218-cf909e1063a9
# Debian packages (versions are whatever bookworm ships).
# restic and sshpass: the backup role (roles/tenant_backup) and the offboarding playbooks on the control node.
APT_PACKAGES="age ansible postgresql python3-psycopg2 python3-hcloud iproute2 jq debootstrap systemd-container nftables xfsprogs e2fsprogs openssh-client restic sshpass"
# The root filesystem every local-cloud server boots (Debian 12, debootstrap
# minbase). Bump ROOTFS_VERSION when the package list or the customization in
# scripts/build-rootfs.sh changes: a new directory is built beside the old one.
# restic, sshpass and postgresql (pg_dump/pg_restore and a server that is not started at
# boot, see build-rootfs.sh) let a server back up and restore a tenant with no mirror.
ROOTFS_VERSION=bookworm-2
ROOTFS_PACKAGES="systemd,systemd-sysv,dbus,openssh-server,python3,python3-apt,sudo,nftables,iproute2,iputils-ping,netcat-openbsd,procps,e2fsprogs,xfsprogs,restic,sshpass,postgresql,python3-psycopg2"
