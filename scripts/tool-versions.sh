# Pinned versions of the toolchain. One place to bump; sourced by
# install-tools.sh and tools-env.sh.
OPENTOFU_VERSION=1.12.6
HCLOUD_PROVIDER_VERSION=1.68.0
SOPS_VERSION=3.13.2
# MinIO and mc publish no semver tags: pin the Go pseudo-versions.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MC_VERSION=v0.0.0-20250313080218-cf909e1063a9
# Debian packages (versions are whatever bookworm ships).
APT_PACKAGES="age ansible postgresql python3-psycopg2 python3-hcloud iproute2 jq"
