/**
 * Bad input for the after-apply playbook (issue 5, section 4): a tenant with
 * no secrets file yet, a missing age key, an unreachable PostgreSQL, a MinIO
 * that rejects the admin credentials, and a mistyped variable. Each run must
 * fail with a message that names the tenant and the step, and leave what
 * already exists untouched (files byte for byte, the database role's password
 * hash, the MinIO user's access).
 *
 * Real PostgreSQL, MinIO, sops and age on 127.0.0.1; Qdrant is the STAND-IN
 * of test-support/qdrant-standin.ts (Qdrant cannot run on this machine).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { decryptWith, findLeaks } from '../../test-support/ansible-fixture';
import { AnsiblePlatform, startAnsiblePlatform } from '../../test-support/ansible-platform';
import { inventoryHost as tenantHost } from '../../lib/naming';
import { freePort } from '../../test-support/ansible-proc';
import { failures, flat, PlaybookRun } from '../../test-support/ansible-run';
import { mc } from '../../test-support/minio';
import { adminQuery } from '../../test-support/postgres';

jest.setTimeout(10 * 60_000);

let p: AnsiblePlatform;
let provision: PlaybookRun;
let alphaSecrets: Record<string, string> = {};
const outputs: Record<string, string> = {};

const sha = (file: string) => (fs.existsSync(file) ? createHash('sha256').update(fs.readFileSync(file)).digest('hex') : 'absent');

/** What exists for the tenants, as comparable strings (hashes, never secret values). */
async function snapshot(): Promise<Record<string, string>> {
  const root = { accessKey: p.minio.rootUser, secretKey: p.minio.rootPassword };
  const cfg = path.join(p.world.workDir, 'mc-test');
  const alphaLs = await mc(p.minio.endpoint, { accessKey: 'tenant-alpha', secretKey: alphaSecrets.minio_secret_key }, ['ls', 't/tenant-alpha-bucket'], cfg);
  return {
    'alpha secrets file': sha(p.world.secretsFile('alpha')),
    'bravo secrets file': sha(p.world.secretsFile('bravo')),
    'alpha key': sha(p.world.keyFile('alpha')),
    'bravo key': sha(p.world.keyFile('bravo')),
    '.sops.yaml': sha(path.join(p.world.secretsRoot, '.sops.yaml')),
    'pg_hba.conf': sha(p.pg.hbaFile),
    'key dir': fs.existsSync(p.world.keyDir) ? fs.readdirSync(p.world.keyDir).sort().join(',') : 'absent',
    'alpha role password hash': createHash('sha256').update(await adminQuery(p.pg, "SELECT rolpassword FROM pg_authid WHERE rolname = 'tenant_alpha_user'")).digest('hex'),
    'tenant databases': await adminQuery(p.pg, "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datname LIKE 'tenant_%'"),
    'tenant roles': await adminQuery(p.pg, "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'tenant_%'"),
    buckets: (await mc(p.minio.endpoint, root, ['ls', 't'], cfg)).stdout.split('\n').map((l) => (l ? JSON.parse(l).key : '')).filter(Boolean).sort().join(','),
    'alpha can list its bucket': String(alphaLs.code === 0),
    collections: [...p.qdrant.collections.keys()].sort().join(','),
  };
}

function expectFailure(r: PlaybookRun, host: string, message: RegExp) {
  expect(r.code).not.toBe(0);
  expect(r.recap[host]).toMatchObject({ failed: 1, changed: 0 });
  expect(flat(failures(r.output))).toMatch(message);
}

beforeAll(async () => {
  p = await startAnsiblePlatform({ jwtRbac: true });
  provision = await p.play('playbooks/tenant.yml', { extraVars: { tenant: 'alpha' } });
  outputs.provision = provision.output;
  const d = await decryptWith(p.world.secretsFile('alpha'), p.world.keyFile('alpha'), p.world.workDir);
  alphaSecrets = d.data ?? {};
});

afterAll(async () => {
  // For debugging a failure: TP_ANSIBLE_OUTPUT_DIR=<dir> keeps every Ansible output (they hold no secret).
  if (process.env.TP_ANSIBLE_OUTPUT_DIR) {
    fs.mkdirSync(process.env.TP_ANSIBLE_OUTPUT_DIR, { recursive: true });
    for (const [name, text] of Object.entries(outputs)) fs.writeFileSync(path.join(process.env.TP_ANSIBLE_OUTPUT_DIR, `${name}.log`), text);
  }
  await p?.stop();
});

test('tenant alpha is provisioned first (the state the failures must leave alone)', () => {
  if (provision.code !== 0) throw new Error(failures(provision.output));
  expect(Object.keys(alphaSecrets).sort()).toEqual(['minio_secret_key', 'postgres_password', 'qdrant_token']);
});

test('fails if the tenant has no secrets file yet, naming the tenant and the step, and creates nothing', async () => {
  const before = await snapshot();
  const r = await p.play('playbooks/tenant.yml', { extraVars: { tenant: 'bravo' }, skipTags: ['secrets'] });
  outputs.noSecrets = r.output;
  expectFailure(r, tenantHost('bravo'), /tenant bravo: tenant_postgres \(read secrets\): \S+\/tenants\/bravo\.sops\.yaml does not exist yet/);
  expect(await snapshot()).toEqual(before);
  expect(before['tenant databases']).toBe('tenant_alpha');
});

test('fails if the age key is missing, names the tenant and the step, generates no new key and changes nothing', async () => {
  const key = p.world.keyFile('alpha');
  const aside = path.join(p.world.root, 'alpha-key-aside.txt');
  fs.renameSync(key, aside);
  try {
    const before = await snapshot();
    const r = await p.play('playbooks/tenant.yml', { extraVars: { tenant: 'alpha' } });
    outputs.missingKey = r.output;
    expectFailure(r, tenantHost('alpha'), /tenant alpha: tenant_secrets: \(age key\) \S+\/alpha\.txt is missing, but \S+\/alpha\.sops\.yaml exists and is encrypted to it/);
    expect(await snapshot()).toEqual(before);
    expect(before['alpha key']).toBe('absent');
  } finally {
    fs.renameSync(aside, key);
  }
});

test('fails if PostgreSQL is unreachable, naming the tenant and the step, and changes nothing', async () => {
  const before = await snapshot();
  const closed = await freePort();
  const r = await p.play('playbooks/tenant.yml', { extraVars: { tenant: 'alpha', tenant_postgres_admin_port: closed } });
  outputs.unreachable = r.output;
  expectFailure(r, tenantHost('alpha'), new RegExp(`tenant alpha: tenant_postgres: \\(connect\\) cannot reach PostgreSQL at 127\\.0\\.0\\.1:${closed} as postgres: .*(refused|could not connect)`, 's'));
  expect(await snapshot()).toEqual(before);
});

test('fails if MinIO rejects the admin credentials, naming the tenant and the step, and changes nothing', async () => {
  const before = await snapshot();
  const r = await p.play('playbooks/tenant.yml', { extraVars: { tenant: 'alpha' }, env: { PLATFORM_MINIO_ROOT_PASSWORD: 'not-the-root-password' } });
  outputs.minioCreds = r.output;
  expectFailure(r, tenantHost('alpha'), /tenant alpha: tenant_minio \(minio\): \(connect\) MinIO at http:\/\/127\.0\.0\.1:\d+ rejected the administrator credentials/);
  expect(await snapshot()).toEqual(before);
});

test('fails before any task if a tenant variable has the wrong type or value', async () => {
  const before = await snapshot();
  const r = await p.play('playbooks/tenant.yml', {
    extraVars: { tenant: 'alpha', tenant_qdrant: { enabled: true, collection: 'tenant_alpha', vector_size: 4, distance: 'Hamming' } },
  });
  outputs.badVar = r.output;
  expect(r.code).not.toBe(0);
  expect(flat(r.output)).toMatch(/value of distance must be one of: Cosine, Euclid, Dot, Manhattan, got: Hamming found in tenant_qdrant/);
  expect(r.recap[tenantHost('alpha')]).toMatchObject({ changed: 0 });
  expect(await snapshot()).toEqual(before);
});

test('fails if the tenant is not in the inventory', async () => {
  const r = await p.play('playbooks/tenant.yml', { extraVars: { tenant: 'nosuch' } });
  expect(r.code).not.toBe(0);
  expect(flat(r.output)).toMatch(/known: alpha, bravo; got: nosuch/);
});

test('no failure message or output carries a secret', () => {
  const all: Record<string, string> = { ...alphaSecrets, 'postgres admin': p.pg.adminPassword, 'minio root': p.minio.rootPassword, 'qdrant api key': p.qdrantApiKey };
  expect(findLeaks(all, outputs)).toEqual([]);
});
