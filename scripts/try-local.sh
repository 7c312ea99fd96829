#!/usr/bin/env bash
# The whole flow on this machine, with no cloud account: start the local
# cloud (local-cloud/: a stand-in for the Hetzner Cloud API on 127.0.0.1 that
# boots every server as a real Debian 12 machine), `cdktf deploy` the example
# tenants with the real OpenTofu and hcloud provider, SSH into every server
# and print its state, verify isolation on the live resources and with
# packets (`npm run verify -- --probe`), destroy the tenants that allow it,
# and remove everything (`npm run local-cloud -- down`). State and synth
# output live in a temp dir. Needs root (namespaces, systemd-nspawn).
#   npm run try-local            # all example tenants
#   npm run try-local -- acme    # some of them
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/tools-env.sh
[[ -x "$TENANT_TOFU" ]] || { echo "OpenTofu missing: run npm run tools" >&2; exit 127; }
[[ $(id -u) -eq 0 ]] || { echo "try-local boots real servers (network namespaces, systemd-nspawn) and needs root" >&2; exit 2; }

name=trylocal
work="$(mktemp -d)"
cleanup() {
  echo "== npm run local-cloud -- down"
  node scripts/run.js local-cloud/cli.ts down --name "$name" || true
  rm -rf "$work"
}
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

echo "== npm run local-cloud -- up (the local Hetzner Cloud API stand-in, with real servers)"
node scripts/run.js local-cloud/cli.ts up --name "$name" --tenants "$work/tenants" >"$work/cloud.env"
. "$work/cloud.env"
echo "   $HCLOUD_ENDPOINT"

echo "== cdktf deploy ${stacks[*]}"
started=$SECONDS
npx cdktf deploy --skip-provider-lock --auto-approve --output "$work/cdktf.out" "${stacks[@]}" >"$work/deploy.log" 2>&1 || { tail -40 "$work/deploy.log"; exit 1; }
echo "   deployed in $((SECONDS - started)) s"

echo "== every server, over SSH from this machine (the control node; an offline tenant's through its jump host)"
# name, address, and the jump host's public address for a server without one of its own ("-" when direct).
list_servers='
import json, sys
servers = json.load(sys.stdin)["servers"]
ip = lambda s: (s["public_net"]["ipv4"] or {}).get("ip")
jump = {s["labels"].get("tenant_id"): ip(s) for s in servers if s["labels"].get("role") == "jump" and ip(s)}
for s in servers:
    via = "-" if ip(s) else jump.get(s["labels"].get("tenant_id"), "-")
    print(s["name"], ip(s) or s["private_net"][0]["ip"], via)
'
ssh_opts=(-i "$HCLOUD_SSH_KEY_FILE" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)
curl -s -H "Authorization: Bearer $HCLOUD_TOKEN" "$HCLOUD_ENDPOINT/servers?sort=name" |
  python3 -c "$list_servers" |
  while read -r server ip via; do
    proxy=()
    [[ "$via" == - ]] || proxy=(-o "ProxyCommand=ssh ${ssh_opts[*]} -W %h:%p root@$via")
    ssh -n "${ssh_opts[@]}" "${proxy[@]}" "root@$ip" \
      'printf "%-22s %-8s up %-6s %s | %s | volumes: %s\n" "$(hostname)" "$(systemctl is-system-running)" "$(ps -o etimes= -p 1 | tr -d " ")s" \
        "$(. /etc/os-release; echo "$PRETTY_NAME")" "$(ip -4 -o addr show | awk "\$2 != \"lo\" {print \$2\"=\"\$4}" | tr "\n" " ")" \
        "$(findmnt -n -o TARGET,FSTYPE -l | grep HC_Volume | tr "\n" " " || true)"' ||
      echo "$server: SSH to $ip failed"
  done

echo "== npm run verify -- --probe"
node scripts/run.js cli/verify.ts --probe "${ids[@]}" || echo "   (verify exited $?)"

for id in "${ids[@]}"; do
  if grep -q '^environment: production' "$work/tenants/$id.yaml"; then
    echo "== tenant-$id is production (delete protection): not destroyed; 'down' removes its machines"
    continue
  fi
  echo "== cdktf destroy tenant-$id"
  npx cdktf destroy --skip-provider-lock --auto-approve --output "$work/cdktf.out" "tenant-$id" >"$work/destroy.log" 2>&1 || { tail -20 "$work/destroy.log"; exit 1; }
done
echo "== done"
