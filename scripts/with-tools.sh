#!/usr/bin/env bash
# Runs a command with the project's toolchain: our OpenTofu first on PATH,
# TERRAFORM_BINARY_NAME pointing at it through tofu-session.sh (never a stray `terraform`), and the
# offline provider mirror. Refuses to run when tofu is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/tools-env.sh"
if [[ ! -x "${TENANT_TOFU:-$TERRAFORM_BINARY_NAME}" ]]; then
  echo "error: OpenTofu is not installed at ${TENANT_TOFU:-$TERRAFORM_BINARY_NAME}." >&2
  echo "       Run 'npm run tools' (scripts/install-tools.sh) to install the pinned toolchain." >&2
  exit 127
fi
# Bring-your-own-project tenants name their token variable (hcloud_token_env);
# their stacks declare a variable of that name, which OpenTofu fills from
# TF_VAR_<NAME>. Map every *_HCLOUD_TOKEN so the token never touches a file.
while IFS='=' read -r name _; do
  [[ "$name" == *_HCLOUD_TOKEN ]] && export "TF_VAR_$name=${!name}"
done < <(env)
exec "$@"
