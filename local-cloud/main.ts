/**
 * Runs the local Hetzner Cloud API in the foreground:
 *   node scripts/run.js local-cloud/main.ts [--port 4000] [--state state.json]
 *       [--action-polls 1] [--platform tenants] [--trace]
 *       [--machines --name local --data-dir DIR --ssh-public-key FILE --exports-file FILE]
 * then point the provider, the Ansible inventory or `npm run verify` at it:
 *   export HCLOUD_ENDPOINT=http://127.0.0.1:4000/v1 HCLOUD_TOKEN=<any 64 characters>
 *
 * --platform <tenants dir>: also create what the tenant stacks expect to exist
 * in the project (the DNS zone, the SSH keys and, with `backup`, the Storage
 * Box of _platform.yaml, with the id and address the file names), as an
 * operator does once per Hetzner project; with --ssh-public-key every key
 * name gets that public key (so the control node can log in to every server).
 * The box's main password is generated and written to
 * --storage-box-password-file (mode 0600); the export lines read it from
 * there (PLATFORM_STORAGE_BOX_PASSWORD) rather than print it.
 *
 * --machines: boot real servers for the records (local-cloud/machines; needs
 * root). `npm run local-cloud -- up` runs this in the background.
 * --exports-file: where the export lines go (written once the cloud is ready);
 * without it they are printed.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { loadPlatform, PLATFORM_FILE } from '../app/tenant-files';
import { call } from './client';
import { DUMMY_TOKEN } from '../lib/hetzner';
import { startHcloudApi } from './index';
import { controlAddressFor } from './network/address-plan';
import { createStorageBox } from './resources/storage-boxes';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const PLACEHOLDER_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq7Bj0mZSP0kH0m2g5Yb0r7sGm4o2d1tY8Jb8rCq8f1';

async function main(): Promise<void> {
  const tenants = arg('platform');
  const loaded = tenants ? loadPlatform(path.join(tenants, PLATFORM_FILE)) : undefined;
  if (loaded && !loaded.platform) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const platform = loaded?.platform;
  const machines = process.argv.includes('--machines');
  const api = await startHcloudApi({
    port: arg('port') ? Number(arg('port')) : undefined,
    stateFile: arg('state'),
    actionPolls: arg('action-polls') ? Number(arg('action-polls')) : 0,
    onRequest: process.argv.includes('--trace')
      ? (e) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${e.status} ${e.method} ${e.path}${e.query}\n`)
      : undefined,
    machines: machines ? { name: arg('name'), dataDir: arg('data-dir'), controlIpv4: platform ? controlAddressFor(platform.sources) : undefined } : undefined,
  });
  const publicKeyFile = arg('ssh-public-key');
  if (platform) {
    // Idempotent across restarts with --state: a uniqueness_error means it is already there.
    await call(api.url, 'POST', '/zones', { name: platform.dns.zone, mode: 'primary', ttl: platform.dns.ttl });
    const realKey = publicKeyFile ? fs.readFileSync(publicKeyFile, 'utf8').trim() : undefined;
    for (const name of platform.ssh_keys) {
      await call(api.url, 'POST', '/ssh_keys', { name, public_key: realKey ?? `${PLACEHOLDER_KEY.slice(0, -4)}${String(platform.ssh_keys.indexOf(name)).padStart(4, 'A')} ${name}` });
    }
  }
  // The Storage Box and its subaccounts are Hetzner API (api.hetzner.com) resources; this server answers both.
  const lines = [`export HCLOUD_ENDPOINT=${api.url}`, `export HETZNER_ENDPOINT=${api.url}`, `export HCLOUD_TOKEN=${DUMMY_TOKEN}`];
  const backup = platform?.backup;
  const passwordFile = arg('storage-box-password-file');
  if (backup && !api.state.storage_boxes.some((b) => b.id === backup.storage_box_id)) {
    // Its policy wants upper and lower case, a digit and a special character: the prefix gives them, the rest is random.
    const password = `Sb1-${randomBytes(24).toString('base64url')}`;
    const address = backup.addresses.find((a) => /^\d+\.\d+\.\d+\.\d+\/32$/.test(a))?.replace('/32', '');
    await api.seed((store) => {
      createStorageBox(store, { id: backup.storage_box_id, name: 'platform-backups', storageBoxType: 'bx11', location: platform.defaults.location, password, address, accessSettings: { ssh_enabled: true } });
    });
    if (passwordFile) fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  }
  if (backup) {
    const box = api.state.storage_boxes.find((b) => b.id === backup.storage_box_id);
    if (box) lines.push(`export PLATFORM_STORAGE_BOX_HOST=${box.address}`, `export PLATFORM_STORAGE_BOX_USER=${box.username}`);
    if (passwordFile) lines.push(`export PLATFORM_STORAGE_BOX_PASSWORD="$(cat '${passwordFile}')"`);
  }
  if (api.machines) lines.push(`export PROBE_OUTSIDE_NETNS=${api.machines.names.world}`);
  const envFile = arg('exports-file');
  if (envFile) {
    fs.writeFileSync(`${envFile}.tmp`, `${lines.join('\n')}\n`);
    fs.renameSync(`${envFile}.tmp`, envFile);
  } else {
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void api.stop().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`stopping: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
