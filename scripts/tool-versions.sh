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
# minbase), the one root filesystem of the project: it carries every package
# the server roles install, since a local-cloud server has no route to a
# Debian mirror (the roles install a package only when it is missing). Bump
# ROOTFS_VERSION when the package list or the customization in
# scripts/build-rootfs.sh changes: a new directory is built beside the old one.
ROOTFS_VERSION=bookworm-roles-2
ROOTFS_PACKAGES="systemd,systemd-sysv,dbus,openssh-server,python3,python3-apt,sudo,nftables,iproute2,iputils-ping,netcat-openbsd,procps,e2fsprogs,xfsprogs"
# roles/baseline
ROOTFS_PACKAGES="$ROOTFS_PACKAGES,fail2ban,python3-systemd,unattended-upgrades"
# roles/tenant_dataplane
ROOTFS_PACKAGES="$ROOTFS_PACKAGES,postgresql,python3-psycopg2"
# roles/backup
# roles/tenant_backup: restic over SFTP; sshpass lets the tests' Storage Box take a password
ROOTFS_PACKAGES="$ROOTFS_PACKAGES,restic,sshpass"
