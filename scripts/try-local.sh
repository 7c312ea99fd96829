#!/usr/bin/env bash
# The whole flow on this machine, with no cloud account: start the local
# Hetzner Cloud API stand-in (local-cloud/, a mock of the real API,
# on 127.0.0.1), `cdktf deploy` the example tenants with the real OpenTofu and
# hcloud provider, verify isolation on the live resources, destroy one tenant,
# verify again, and stop. Everything (state, synth output) lives in a temp dir.
#   npm run try-local            # all example tenants
#   npm run try-local -- acme    # some of them
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/tools-env.sh
[[ -x "$TERRAFORM_BINARY_NAME" ]] || { echo "OpenTofu missing: run npm run tools" >&2; exit 127; }

work="$(mktemp -d)"
api_pid=""
cleanup() { [[ -n "$api_pid" ]] && kill "$api_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# A copy of the example fleet whose state lives in the temp dir.
mkdir -p "$work/tenants"
cp tenants/*.yaml "$work/tenants/"
sed -i "s#^  dir: state#  dir: $work/state#" "$work/tenants/_platform.yaml"
export TENANTS_DIR="$work/tenants"
ids=("$@")
[[ ${#ids[@]} -gt 0 ]] || mapfile -t ids < <(ls "$work/tenants" | grep -v '^_' | sed 's/\.yaml$//')
export TENANTS="$(IFS=,; echo "${ids[*]}")"
stacks=("${ids[@]/#/tenant-}")

echo "== starting the local Hetzner Cloud API (a stand-in, not Hetzner)"
node scripts/run.js local-cloud/main.ts --port 0 --state "$work/api-state.json" --platform "$work/tenants" >"$work/api.env" &
api_pid=$!
for _ in $(seq 1 100); do grep -q HCLOUD_TOKEN "$work/api.env" 2>/dev/null && break; sleep 0.1; done
. "$work/api.env"
echo "   $HCLOUD_ENDPOINT"

echo "== cdktf deploy ${stacks[*]}"
npx cdktf deploy --skip-provider-lock --auto-approve --output "$work/cdktf.out" "${stacks[@]}"

echo "== npm run verify"
node scripts/run.js cli/verify.ts "${ids[@]}"

last="${stacks[-1]}"
echo "== cdktf destroy $last (production tenants refuse: delete protection)"
npx cdktf destroy --skip-provider-lock --auto-approve --output "$work/cdktf.out" "$last" || echo "   (refused, as it should be for a protected production tenant)"
echo "== npm run verify (after destroy)"
node scripts/run.js cli/verify.ts "${ids[@]}" || true
echo "== done; the API is stopped and $work removed"
