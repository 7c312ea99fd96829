/**
 * What the tenant stacks expect to exist in the Hetzner project but do not
 * create: the DNS zone of _platform.yaml and its SSH keys. An operator makes
 * them once per project; tests make them through the local API's HTTP
 * interface before the first `cdktf deploy`.
 */
import { ok } from '../local-cloud/client';
import type { Platform } from '../lib/tenant/model';

const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq7Bj0mZSP0kH0m2g5Yb0r7sGm4o2d1tY8Jb8rCq8f1';

export async function createPlatformPrerequisites(apiUrl: string, platform: Platform): Promise<void> {
  await ok(apiUrl, 'POST', '/zones', { name: platform.dns.zone, mode: 'primary', ttl: platform.dns.ttl });
  for (const name of platform.ssh_keys) await ok(apiUrl, 'POST', '/ssh_keys', { name, public_key: `${SSH_KEY} ${name}` });
}
