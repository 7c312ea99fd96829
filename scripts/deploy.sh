#!/usr/bin/env bash
# npm run deploy -- <stack...> [cdktf deploy options]
# First adopts what an interrupted deploy left behind (cli/adopt.ts: resources
# the API created but OpenTofu never recorded, matched by name AND tenant
# labels), then runs cdktf deploy with the project's toolchain. Stops if the
# adoption refuses something, so the deploy never trips over it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stacks=()
for a in "$@"; do
  # Stack names and globs (tenant-acme, 'tenant-*'); option values are not stacks.
  if [[ "$a" == tenant-* ]]; then stacks+=("$a"); fi
done
node "$here/run.js" cli/adopt.ts ${stacks[@]+"${stacks[@]}"}
exec bash "$here/with-tools.sh" "$here/../node_modules/.bin/cdktf" deploy --skip-provider-lock "$@"
