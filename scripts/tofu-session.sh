#!/usr/bin/env bash
# What cdktf runs as OpenTofu (TERRAFORM_BINARY_NAME): our tofu, with SIGHUP
# ignored. cdktf runs tofu on a pseudo-terminal; when cdktf dies (SIGKILL, a
# lost CI runner, the OOM killer) the terminal hangs up, and tofu, which does
# not handle SIGHUP, would die mid-apply with resources created but not in
# its state. Ignored, the hangup passes: tofu finishes the apply, writes its
# state and releases the lock. SIG_IGN survives exec, and tofu only installs
# handlers for SIGINT and SIGTERM, so those still stop it as before.
trap '' HUP
exec "${TENANT_TOOLS_DIR:-$HOME/.cache/tenant-platform-tools}/bin/tofu" "$@"
