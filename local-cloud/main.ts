/**
 * Runs the local Hetzner Cloud API in the foreground:
 *   node scripts/run.js local-cloud/main.ts [--port 4000] [--state state.json]
 *       [--action-polls 1] [--platform tenants] [--trace]
 * then point the provider, the Ansible inventory or `npm run verify` at it:
 *   export HCLOUD_ENDPOINT=http://127.0.0.1:4000/v1 HCLOUD_TOKEN=<any 64 characters>
 *
 * --platform <tenants dir>: also create what the tenant stacks expect to exist
 * in the project (the DNS zone and the SSH keys of _platform.yaml), as an
 * operator does once per Hetzner project.
 */
import * as path from 'path';
import { loadPlatform, PLATFORM_FILE } from '../app/tenant-files';
import { call } from './client';
import { DUMMY_TOKEN } from '../lib/hetzner';
import { startHcloudApi } from './index';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const PLACEHOLDER_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq7Bj0mZSP0kH0m2g5Yb0r7sGm4o2d1tY8Jb8rCq8f1';

async function main(): Promise<void> {
  const api = await startHcloudApi({
    port: arg('port') ? Number(arg('port')) : undefined,
    stateFile: arg('state'),
    actionPolls: arg('action-polls') ? Number(arg('action-polls')) : 0,
    onRequest: process.argv.includes('--trace')
      ? (e) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${e.status} ${e.method} ${e.path}${e.query}\n`)
      : undefined,
  });
  const tenants = arg('platform');
  if (tenants) {
    const { platform, diagnostics } = loadPlatform(path.join(tenants, PLATFORM_FILE));
    if (!platform) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    // Idempotent across restarts with --state: a uniqueness_error means it is already there.
    await call(api.url, 'POST', '/zones', { name: platform.dns.zone, mode: 'primary', ttl: platform.dns.ttl });
    for (const name of platform.ssh_keys) {
      await call(api.url, 'POST', '/ssh_keys', { name, public_key: `${PLACEHOLDER_KEY.slice(0, -4)}${String(platform.ssh_keys.indexOf(name)).padStart(4, 'A')} ${name}` });
    }
  }
  process.stdout.write(`export HCLOUD_ENDPOINT=${api.url}\nexport HCLOUD_TOKEN=${DUMMY_TOKEN}\n`);
  const stop = () => {
    void api.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
