# Source me: puts the project's pinned toolchain on PATH and makes cdktf and
# tofu use it, offline, from the local provider mirror.
#   . scripts/tools-env.sh
# TENANT_TOOLS_DIR overrides where the toolchain lives (outside the repo).
TENANT_TOOLS_DIR="${TENANT_TOOLS_DIR:-$HOME/.cache/tenant-platform-tools}"
export TENANT_TOOLS_DIR
case ":$PATH:" in
  *":$TENANT_TOOLS_DIR/bin:"*) ;;
  *) PATH="$TENANT_TOOLS_DIR/bin:/usr/lib/postgresql/15/bin:$PATH" ;;
esac
export PATH
export TF_CLI_CONFIG_FILE="$TENANT_TOOLS_DIR/tofurc"
export TENANT_TOFU="$TENANT_TOOLS_DIR/bin/tofu"
# cdktf must drive OpenTofu, never a terraform binary that happens to be on PATH;
# through tofu-session.sh, so a killed cdktf does not take a running apply with it.
export TERRAFORM_BINARY_NAME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tofu-session.sh"
export CHECKPOINT_DISABLE=1
