/**
 * The files that make a fresh root filesystem into one particular server
 * (pure): what cloud-init does on a Hetzner server at first boot, reduced to
 * what this project relies on. Written into the server's own (copy-on-write)
 * root before it boots, again after a rebuild.
 *
 * - hostname = the server name; a machine-id of its own;
 * - root's authorized_keys = the SSH keys named in the create request;
 * - user_data run once, late in the first boot, as cloud-init runs a user-data
 *   shell script (output in /var/log/cloud-init-output.log); a `#cloud-config`
 *   document is not interpreted (logged and skipped);
 * - resolv.conf names Hetzner's resolvers (nothing answers DNS in the local
 *   cloud; a tenant's DNS egress rule can still be probed against them).
 * The SSH host key is made by the caller (ssh-keygen), one per server.
 */

export interface SeedInput {
  /** The server name (becomes the hostname). */
  readonly name: string;
  /** 32 hex digits. */
  readonly machineId: string;
  readonly sshKeys: readonly string[];
  readonly userData: string;
}

export type SeedEntry =
  | { readonly path: string; readonly content: string; readonly mode: number }
  | { readonly path: string; readonly symlinkTo: string }
  | { readonly path: string; readonly directoryMode: number };

export const USER_DATA_FILE = '/var/lib/cloud/instance/user-data.txt';
export const USER_DATA_DONE = '/var/lib/cloud/instance/boot-finished';
export const USER_DATA_LOG = '/var/log/cloud-init-output.log';
const RUNNER = '/usr/local/lib/local-cloud/run-user-data';
const UNIT = 'local-cloud-user-data.service';

const RUNNER_SCRIPT = `#!/bin/sh
# Runs this server's user_data once, as cloud-init runs a user-data shell script.
set -u
data=${USER_DATA_FILE}
log=${USER_DATA_LOG}
script=/var/lib/cloud/instance/scripts/part-001
rc=0
if [ -s "$data" ]; then
  if [ "$(head -c 2 "$data")" = '#!' ]; then
    mkdir -p "$(dirname "$script")"
    cp "$data" "$script" && chmod 700 "$script"
    "$script" >>"$log" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || echo "user_data exited $rc" >>"$log"
  else
    echo "local cloud: user_data is not a shell script (#!...); cloud-config is not interpreted, skipped" >>"$log"
  fi
fi
date -u +%s >${USER_DATA_DONE}
exit "$rc"
`;

const UNIT_FILE = `[Unit]
Description=Run user_data once (as cloud-init runs a user-data script)
After=network-online.target ssh.service
ConditionPathExists=!${USER_DATA_DONE}

[Service]
Type=oneshot
ExecStart=${RUNNER}

[Install]
WantedBy=multi-user.target
`;

export function seedFiles(s: SeedInput): SeedEntry[] {
  if (!/^[0-9a-f]{32}$/.test(s.machineId)) throw new Error(`machine id "${s.machineId}" must be 32 hex digits`);
  return [
    { path: '/etc/hostname', content: `${s.name}\n`, mode: 0o644 },
    { path: '/etc/hosts', content: `127.0.0.1 localhost\n127.0.1.1 ${s.name}\n::1 localhost ip6-localhost ip6-loopback\n`, mode: 0o644 },
    { path: '/etc/machine-id', content: `${s.machineId}\n`, mode: 0o444 },
    { path: '/etc/resolv.conf', content: 'nameserver 185.12.64.1\nnameserver 185.12.64.2\n', mode: 0o644 },
    { path: '/etc/ssh/sshd_config.d/50-local-cloud.conf', content: 'HostKey /etc/ssh/ssh_host_ed25519_key\n', mode: 0o644 },
    { path: '/root/.ssh', directoryMode: 0o700 },
    { path: '/root/.ssh/authorized_keys', content: s.sshKeys.map((k) => `${k.trim()}\n`).join(''), mode: 0o600 },
    { path: '/var/lib/cloud/instance', directoryMode: 0o700 },
    { path: USER_DATA_FILE, content: s.userData, mode: 0o600 },
    { path: RUNNER, content: RUNNER_SCRIPT, mode: 0o755 },
    { path: `/etc/systemd/system/${UNIT}`, content: UNIT_FILE, mode: 0o644 },
    { path: `/etc/systemd/system/multi-user.target.wants/${UNIT}`, symlinkTo: `/etc/systemd/system/${UNIT}` },
  ];
}
