/**
 * What the platform file expects to exist in the Hetzner project before any
 * tenant stack is deployed (its DNS zone and SSH keys), created through the
 * local cloud's API as an operator would once per project.
 */
import type { Fleet } from '../lib/tenant/model';
import type { HcloudApi } from '../local-cloud';
import { ok } from '../local-cloud/client';

export const PLATFORM_SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq7Bj0mZSP0kH0m2g5Yb0r7sGm4o2d1tY8Jb8rCq8f1 platform-admin';

export async function platformPrerequisites(api: HcloudApi, fleet: Fleet): Promise<void> {
  await ok(api.url, 'POST', '/zones', { name: fleet.platform.dns.zone, mode: 'primary', ttl: fleet.platform.dns.ttl });
  for (const name of fleet.platform.ssh_keys) await ok(api.url, 'POST', '/ssh_keys', { name, public_key: PLATFORM_SSH_KEY });
}
