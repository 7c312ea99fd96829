/**
 * SSH keys: `/ssh_keys` (list filters name, fingerprint, label_selector), get,
 * create, update (name, labels), delete. The provider resolves every server's
 * `ssh_keys` by name through `GET /ssh_keys?name=...`.
 */
import * as crypto from 'crypto';
import { invalidInput, uniqueness } from '../errors';
import { filterByField } from '../pagination';
import { registerResourceRoutes, requireUniqueName } from '../resource-routes';
import type { Router } from '../router';
import type { SshKeyRecord } from '../state';
import * as v from '../validate';

/** Hetzner shows the MD5 fingerprint of the key blob, as colon-separated hex. */
export function fingerprint(publicKey: string): string | undefined {
  const parts = publicKey.trim().split(/\s+/);
  if (parts.length < 2 || !/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-)/.test(parts[0])) return undefined;
  const blob = Buffer.from(parts[1], 'base64');
  if (blob.length === 0) return undefined;
  return crypto.createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

export function renderSshKey(k: SshKeyRecord) {
  return { id: k.id, name: k.name, fingerprint: k.fingerprint, public_key: k.public_key, labels: k.labels, created: k.created };
}

export function registerSshKeys(router: Router): void {
  registerResourceRoutes(router, {
    collection: 'ssh_keys',
    kind: 'ssh_key',
    noun: 'SSH key',
    records: (s) => s.ssh_keys,
    render: (_s, k) => renderSshKey(k),
    validateName: (body) => v.requiredString(body, 'name'),
    filters: (q) => [(ks) => filterByField(ks, q, 'fingerprint')],
    remove: (store, key) => {
      for (const srv of store.state.servers) srv.ssh_keys = srv.ssh_keys.filter((id) => id !== key.id);
    },
  });

  router.post('/ssh_keys', (r) => {
    const s = r.store.state;
    const name = v.requiredString(r.body, 'name');
    const publicKey = v.requiredString(r.body, 'public_key');
    const fp = fingerprint(publicKey);
    if (!fp) throw invalidInput('public_key', 'must be an OpenSSH public key ("ssh-ed25519 AAAA... comment")');
    requireUniqueName(s.ssh_keys, name, 'SSH key');
    if (s.ssh_keys.some((k) => k.fingerprint === fp)) throw uniqueness('SSH key', 'public_key', fp);
    const key: SshKeyRecord = { id: r.store.nextId('ssh_key'), name, public_key: publicKey.trim(), fingerprint: fp, labels: v.labels(r.body.labels), created: r.store.now() };
    s.ssh_keys.push(key);
    return { status: 201, body: { ssh_key: renderSshKey(key) } };
  });
}
