#!/usr/bin/env bash
# Regenerates providers/schemas/*.json by running the real providers:
# `tofu providers schema -json` in a scratch directory that requires each
# provider at the version pinned in scripts/tool-versions.sh. Run after
# bumping HCLOUD_PROVIDER_VERSION and `npm run tools`; then `npm run get`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
. "$here/tool-versions.sh"
. "$here/tools-env.sh"
command -v tofu >/dev/null || { echo "tofu is not installed: run npm run tools" >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
source="registry.opentofu.org/hetznercloud/hcloud"
cat >"$scratch/main.tf.json" <<JSON
{ "terraform": { "required_providers": { "hcloud": { "source": "$source", "version": "$HCLOUD_PROVIDER_VERSION" } } } }
JSON
(cd "$scratch" && tofu init -input=false -no-color >/dev/null && tofu providers schema -json >schema.raw.json)
out="$root/providers/schemas/hcloud.json"
mkdir -p "$(dirname "$out")"
# Record the version beside the schema (the generator reads provider_versions).
jq --sort-keys --arg src "$source" --arg v "$HCLOUD_PROVIDER_VERSION" \
  '. + {provider_versions: {($src): $v}}' "$scratch/schema.raw.json" >"$out.tmp"
mv -f "$out.tmp" "$out"
echo "wrote $out (hcloud $HCLOUD_PROVIDER_VERSION, $(jq '.provider_schemas[].resource_schemas | length' "$out") resources)" >&2
