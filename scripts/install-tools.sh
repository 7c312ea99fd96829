#!/usr/bin/env bash
# Installs the pinned toolchain the project runs on: OpenTofu, the hcloud
# provider (into an offline filesystem mirror), sops, MinIO + mc from the Go
# module proxy; age, Ansible, PostgreSQL and the Python libraries from apt;
# the Debian 12 root filesystem local-cloud servers boot (build-rootfs.sh).
#
# Idempotent: a tool whose stamp matches its pinned version is skipped, so a
# second run takes seconds. Each binary is built into a temporary file and
# renamed into place only after it ran, so an interrupted run never leaves a
# half-installed tool that a later run would take as installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tool-versions.sh
. "$here/tool-versions.sh"
# shellcheck source=tools-env.sh
. "$here/tools-env.sh"

bin="$TENANT_TOOLS_DIR/bin"
stamps="$TENANT_TOOLS_DIR/stamps"
mirror="$TENANT_TOOLS_DIR/providers"
work="$TENANT_TOOLS_DIR/work"
mkdir -p "$bin" "$stamps" "$mirror" "$work"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export GOTOOLCHAIN=local
# Release builds: no debug info makes the binaries small and the link fast.
ldflags_strip="-s -w"

failures=()
report=()
log() { printf '[tools] %s\n' "$*" >&2; }

# is_current NAME VERSION: the stamp says NAME@VERSION is installed and the file exists.
is_current() {
  local name="$1" version="$2" path="$3"
  [[ -x "$path" && -f "$stamps/$name" && "$(cat "$stamps/$name")" == "$version" ]]
}
mark() { printf '%s' "$2" >"$stamps/$1.tmp" && mv -f "$stamps/$1.tmp" "$stamps/$1"; }

# install_built NAME VERSION DEST BUILD_FN: BUILD_FN writes the binary to $1.
install_built() {
  local name="$1" version="$2" dest="$3" build="$4"
  if is_current "$name" "$version" "$dest"; then
    report+=("$name $version (cached) $dest"); return 0
  fi
  log "building $name $version (first run only; cached in $TENANT_TOOLS_DIR)"
  local tmp="$dest.partial.$$"
  rm -f "$dest".partial.*
  if "$build" "$tmp" && [[ -x "$tmp" ]]; then
    mv -f "$tmp" "$dest"
    mark "$name" "$version"
    report+=("$name $version (built) $dest")
  else
    rm -f "$tmp"
    failures+=("$name $version: build failed (see the log above)")
  fi
}

# --- OpenTofu CLI config: providers from the mirror only, never the network ---
tofurc_tmp="$TF_CLI_CONFIG_FILE.tmp.$$"
cat >"$tofurc_tmp" <<RC
# Written by scripts/install-tools.sh. Providers come from the local mirror,
# so \`tofu init\` needs no network.
plugin_cache_dir = "$TENANT_TOOLS_DIR/plugin-cache"
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.opentofu.org/hetznercloud/*"]
  }
  direct {
    exclude = ["registry.opentofu.org/hetznercloud/*"]
  }
}
RC
mkdir -p "$TENANT_TOOLS_DIR/plugin-cache"
mv -f "$tofurc_tmp" "$TF_CLI_CONFIG_FILE"
report+=("tofu CLI config $TF_CLI_CONFIG_FILE")

# --- Debian packages -------------------------------------------------------
apt_missing=()
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || apt_missing+=("$p")
done
if ((${#apt_missing[@]})); then
  log "apt-get install ${apt_missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null; }; then
    failures+=("apt packages: ${apt_missing[*]}")
  fi
fi
for p in $APT_PACKAGES; do
  v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo missing)
  report+=("$p $v (apt)")
done

# --- The root filesystem of local-cloud servers (Debian 12) ------------------
if out=$("$here/build-rootfs.sh"); then
  report+=("$out")
else
  failures+=("rootfs $ROOTFS_VERSION: debootstrap failed (see the log above); the local cloud cannot boot servers without it")
fi

# --- Go-built tools ------------------------------------------------------------
# `go install mod@version` is refused for OpenTofu (its go.mod has a replace
# directive) and for modules whose version list the proxy does not serve, so
# every tool is built the same way: download the exact module version, then
# `go build` the command inside the module directory.
# build_module OUT MODULE VERSION PKG [LDFLAGS]
build_module() {
  local out="$1" module="$2" version="$3" pkg="$4" extra="${5:-}" dir
  dir=$(go mod download -json "$module@$version" | jq -r '.Dir // empty') || return 1
  [[ -n "$dir" && -d "$dir" ]] || { log "could not download $module@$version"; return 1; }
  (cd "$dir" && go build -trimpath -o "$out" -ldflags "$ldflags_strip $extra" "$pkg")
}
build_tofu() {
  build_module "$1" github.com/opentofu/opentofu "v$OPENTOFU_VERSION" ./cmd/tofu \
    "-X github.com/opentofu/opentofu/version.dev=no" || return 1
  TF_CLI_CONFIG_FILE=/dev/null "$1" version | grep -q "OpenTofu v$OPENTOFU_VERSION"
}
build_hcloud() {
  build_module "$1" github.com/hetznercloud/terraform-provider-hcloud "v$HCLOUD_PROVIDER_VERSION" . \
    "-X github.com/hetznercloud/terraform-provider-hcloud/hcloud.Version=$HCLOUD_PROVIDER_VERSION"
}
build_sops() {
  build_module "$1" github.com/getsops/sops/v3 "v$SOPS_VERSION" ./cmd/sops || return 1
  "$1" --version --disable-version-check | grep -q "$SOPS_VERSION"
}
build_minio() { build_module "$1" github.com/minio/minio "$MINIO_VERSION" .; }
build_mc() { build_module "$1" github.com/minio/mc "$MC_VERSION" .; }

if ! command -v go >/dev/null; then
  failures+=("go: not on PATH; install Go >= 1.26.6 (https://go.dev/dl) to build OpenTofu, the hcloud provider, sops and MinIO")
else
  provider_dir="$mirror/registry.opentofu.org/hetznercloud/hcloud/$HCLOUD_PROVIDER_VERSION/linux_amd64"
  mkdir -p "$provider_dir"
  install_built tofu "$OPENTOFU_VERSION" "$bin/tofu" build_tofu
  install_built terraform-provider-hcloud "$HCLOUD_PROVIDER_VERSION" \
    "$provider_dir/terraform-provider-hcloud_v$HCLOUD_PROVIDER_VERSION" build_hcloud
  install_built sops "$SOPS_VERSION" "$bin/sops" build_sops
  install_built minio "$MINIO_VERSION" "$bin/minio" build_minio
  install_built mc "$MC_VERSION" "$bin/mc" build_mc
fi

printf '\nToolchain in %s:\n' "$TENANT_TOOLS_DIR" >&2
printf '  %s\n' "${report[@]}" >&2
if ((${#failures[@]})); then
  printf '\nFAILED:\n' >&2
  printf '  %s\n' "${failures[@]}" >&2
  exit 1
fi
printf '\nUse it in a shell with:  . scripts/tools-env.sh\n' >&2
