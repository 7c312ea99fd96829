/**
 * The after-apply playbooks for two tenants (alpha 10.201.0.0/16, bravo
 * 10.202.0.0/16) against real servers on this machine: PostgreSQL 15 and
 * MinIO on 127.0.0.1 with temporary data, the real sops and age, and one
 * network namespace per tenant (ip netns + veth) whose address lies in the
 * tenant's range, so pg_hba is tested from the tenants' networks.
 *
 * Qdrant is NOT real here: Qdrant cannot be installed or run on this machine,
 * so the tenant_qdrant role talks to a STAND-IN (test-support/qdrant-standin.ts)
 * that checks every request against Qdrant's published REST shapes and
 * implements its JWT RBAC semantics. The Qdrant tests prove the role sends
 * what Qdrant documents, not that a Qdrant server accepts it.
 *
 * Needs root (network namespaces) and the toolchain (scripts/install-tools.sh).
 * Nothing is written into the repository: secrets/ and the keys are temporary.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decryptWith, filesUnder, findLeaks } from '../../test-support/ansible-fixture';
import { AnsiblePlatform, hostSideIp, startAnsiblePlatform } from '../../test-support/ansible-platform';
import { inventoryHost as tenantHost } from '../../lib/naming';
import { run } from '../../test-support/ansible-proc';
import { changedTasks, failures, flat, PlaybookRun, REPO_ROOT } from '../../test-support/ansible-run';
import { mc } from '../../test-support/minio';
import { adminQuery, psql } from '../../test-support/postgres';

jest.setTimeout(15 * 60_000);

const A = 'alpha';
const B = 'bravo';

let p: AnsiblePlatform;
let first: PlaybookRun;
let second: PlaybookRun;
/** Decrypted secrets by tenant, after the first and after the second run. */
const afterFirst: Record<string, Record<string, string>> = {};
const afterSecond: Record<string, Record<string, string>> = {};
/** Every Ansible output of this file, for the leak check. */
const outputs: Record<string, string> = {};
/** The repository's own secrets/ before the tests: they must never write there. */
const repoSecrets = () =>
  filesUnder(path.join(REPO_ROOT, 'secrets'))
    .map((f) => `${path.relative(REPO_ROOT, f)} ${fs.readFileSync(f, 'utf8').length}`)
    .sort();
let repoSecretsBefore: string[];

const seq = (id: string) => p.world.tenants.find((t) => t.tenant_id === id)!.tenant_seq;
const secrets = (id: string) => afterFirst[id];

/** psql as a tenant's role, from a tenant's namespace (or the host) to a host-side address. */
function connectAs(user: string, fromTenant: string | undefined, toHost: string, database: string, sql = 'SELECT current_user') {
  const owner = user.replace(/^tenant_(.*)_user$/, '$1');
  return psql({
    host: toHost,
    port: p.pg.port,
    user,
    password: secrets(owner).postgres_password,
    database,
    sql,
    netns: fromTenant ? p.namespaces[fromTenant].name : undefined,
  });
}

function explain(r: PlaybookRun): string {
  return `exit ${r.code}\n${failures(r.output)}\nchanged:\n${changedTasks(r.output).join('\n')}`;
}

beforeAll(async () => {
  repoSecretsBefore = repoSecrets();
  p = await startAnsiblePlatform({ namespaces: true, jwtRbac: true });
  first = await p.play('playbooks/site.yml');
  outputs.first = first.output;
  for (const id of [A, B]) {
    const d = await decryptWith(p.world.secretsFile(id), p.world.keyFile(id), p.world.workDir);
    if (d.data) afterFirst[id] = d.data;
  }
  second = await p.play('playbooks/site.yml');
  outputs.second = second.output;
  for (const id of [A, B]) {
    const d = await decryptWith(p.world.secretsFile(id), p.world.keyFile(id), p.world.workDir);
    if (d.data) afterSecond[id] = d.data;
  }
});

afterAll(async () => {
  // For debugging a failure: TP_ANSIBLE_OUTPUT_DIR=<dir> keeps every Ansible output (they hold no secret).
  if (process.env.TP_ANSIBLE_OUTPUT_DIR) {
    fs.mkdirSync(process.env.TP_ANSIBLE_OUTPUT_DIR, { recursive: true });
    for (const [name, text] of Object.entries(outputs)) fs.writeFileSync(path.join(process.env.TP_ANSIBLE_OUTPUT_DIR, `${name}.log`), text);
  }
  await p?.stop();
});

describe('site.yml for two tenants against real PostgreSQL, MinIO, sops and age', () => {
  test('the first run provisions both tenants without a failure', () => {
    if (first.code !== 0) throw new Error(explain(first));
    for (const id of [A, B]) {
      expect(first.recap[tenantHost(id)]).toMatchObject({ failed: 0, unreachable: 0 });
      expect(first.recap[tenantHost(id)].changed).toBeGreaterThan(0);
      expect(Object.keys(secrets(id)).sort()).toEqual(['minio_secret_key', 'postgres_password', 'qdrant_token']);
    }
  });

  test('a second run reports changed=0 for every tenant and leaves every password unchanged', () => {
    if (second.code !== 0) throw new Error(explain(second));
    for (const id of [A, B]) {
      expect({ host: tenantHost(id), changed: second.recap[tenantHost(id)]?.changed, tasks: changedTasks(second.output) }).toEqual({
        host: tenantHost(id),
        changed: 0,
        tasks: [],
      });
      // Compared without printing a value: equal maps or the names that differ.
      const differing = Object.keys(afterFirst[id]).filter((k) => afterFirst[id][k] !== afterSecond[id]?.[k]);
      expect(differing).toEqual([]);
    }
  });
});

describe('PostgreSQL: database per tenant, role per tenant, pg_hba per tenant network', () => {
  test("A's role connects from A's network and writes its own database", async () => {
    const r = await connectAs('tenant_alpha_user', A, hostSideIp(seq(A)), 'tenant_alpha',
      'CREATE TABLE IF NOT EXISTS notes (n int); INSERT INTO notes VALUES (42); SELECT sum(n) FROM notes');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('42');
    expect(await adminQuery(p.pg, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'tenant_alpha'")).toBe('tenant_alpha_user');
  });

  test("A's role cannot connect to B's database, not even from A's own network", async () => {
    const r = await connectAs('tenant_alpha_user', A, hostSideIp(seq(A)), 'tenant_bravo');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/pg_hba\.conf rejects connection for host "10\.201\.1\.10", user "tenant_alpha_user", database "tenant_bravo"/);
    // Second line of defence: without a pg_hba line, PUBLIC has no CONNECT on B's database either.
    expect(await adminQuery(p.pg, "SELECT has_database_privilege('tenant_alpha_user', 'tenant_bravo', 'CONNECT')")).toBe('f');
    expect(await adminQuery(p.pg, "SELECT has_database_privilege('tenant_bravo_user', 'tenant_bravo', 'CONNECT')")).toBe('t');
  });

  test("pg_hba admits A's role only from A's CIDR: B's network and loopback are rejected", async () => {
    const fromB = await connectAs('tenant_alpha_user', B, hostSideIp(seq(B)), 'tenant_alpha');
    expect(fromB.code).not.toBe(0);
    expect(fromB.stderr).toMatch(/pg_hba\.conf rejects connection for host "10\.202\.1\.10", user "tenant_alpha_user", database "tenant_alpha"/);
    const fromLoopback = await connectAs('tenant_alpha_user', undefined, '127.0.0.1', 'tenant_alpha');
    expect(fromLoopback.code).not.toBe(0);
    expect(fromLoopback.stderr).toMatch(/pg_hba\.conf rejects connection for host "127\.0\.0\.1"/);
    // And the same rule holds the other way round.
    const bHome = await connectAs('tenant_bravo_user', B, hostSideIp(seq(B)), 'tenant_bravo');
    expect(bHome.stdout.trim()).toBe('tenant_bravo_user');
    const bFromA = await connectAs('tenant_bravo_user', A, hostSideIp(seq(A)), 'tenant_bravo');
    expect(bFromA.stderr).toMatch(/pg_hba\.conf rejects connection for host "10\.201\.1\.10", user "tenant_bravo_user"/);
  });

  test('the role uses scram-sha-256 and the password from the SOPS file', async () => {
    expect(await adminQuery(p.pg, "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = 'tenant_alpha_user'")).toBe('SCRAM-SHA-256$');
    const wrong = await psql({ host: hostSideIp(seq(A)), port: p.pg.port, user: 'tenant_alpha_user', password: 'not-the-password', database: 'tenant_alpha', sql: 'SELECT 1', netns: p.namespaces[A].name });
    expect(wrong.stderr).toMatch(/password authentication failed for user "tenant_alpha_user"/);
  });
});

describe('MinIO: bucket, policy and user per tenant', () => {
  const creds = (id: string) => ({ accessKey: `tenant-${id}`, secretKey: secrets(id).minio_secret_key });
  const mcAs = (id: string, args: string[], input?: string) => mc(p.minio.endpoint, creds(id), args, path.join(p.world.workDir, 'mc-test'), input);

  test("A's credentials put and get in A's bucket", async () => {
    const put = await mcAs(A, ['pipe', 't/tenant-alpha-bucket/hello.txt'], 'hello from alpha');
    expect(put.stdout).toMatch(/"status":"success"/);
    const got = await mcAs(A, ['cat', 't/tenant-alpha-bucket/hello.txt']);
    expect(got.stdout).toBe('hello from alpha');
  });

  test("A's credentials are denied on B's bucket, and a bucket listing shows A's bucket only", async () => {
    const seed = await mc(p.minio.endpoint, creds(B), ['pipe', 't/tenant-bravo-bucket/b.txt'], path.join(p.world.workDir, 'mc-test'), 'bravo data');
    expect(seed.stdout).toMatch(/"status":"success"/);
    const put = await mcAs(A, ['pipe', 't/tenant-bravo-bucket/intruder.txt'], 'x');
    expect(put.code).not.toBe(0);
    expect(put.stdout).toMatch(/Insufficient permissions|Access Denied/);
    const get = await mcAs(A, ['cat', 't/tenant-bravo-bucket/b.txt']);
    expect(get.code).not.toBe(0);
    expect(get.stdout).toMatch(/Insufficient permissions|Access Denied/);
    const list = await mcAs(A, ['ls', 't/tenant-bravo-bucket']);
    expect(list.stdout).toMatch(/"Code":"AccessDenied"/);
    // MinIO answers ListBuckets with the buckets the policy grants access to
    // (it filters rather than refuses), so B's bucket must simply not be there.
    const buckets = await mcAs(A, ['ls', 't']);
    const names = buckets.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((j) => j.key ?? j.status);
    expect(names).toEqual(['tenant-alpha-bucket/']);
  });

  test("the tenant's user has exactly its own policy, allowing exactly its bucket and objects", async () => {
    const root = { accessKey: p.minio.rootUser, secretKey: p.minio.rootPassword };
    const info = JSON.parse((await mc(p.minio.endpoint, root, ['admin', 'user', 'info', 't', 'tenant-alpha'], path.join(p.world.workDir, 'mc-test'))).stdout);
    expect(info.policyName).toBe('tenant-alpha-bucket-rw');
    const policy = JSON.parse((await mc(p.minio.endpoint, root, ['admin', 'policy', 'info', 't', 'tenant-alpha-bucket-rw'], path.join(p.world.workDir, 'mc-test'))).stdout);
    const resources = policy.policyInfo.Policy.Statement.flatMap((s: { Resource: string[] }) => s.Resource).sort();
    expect(resources).toEqual(['arn:aws:s3:::tenant-alpha-bucket', 'arn:aws:s3:::tenant-alpha-bucket/*']);
  });
});

describe('SOPS and age: one key per tenant, keys outside the repo', () => {
  test("A's file decrypts with A's key and not with B's; the platform recovery key opens it too", async () => {
    const withA = await decryptWith(p.world.secretsFile(A), p.world.keyFile(A), p.world.workDir);
    expect(withA.code).toBe(0);
    const withB = await decryptWith(p.world.secretsFile(A), p.world.keyFile(B), p.world.workDir);
    expect(withB.code).not.toBe(0);
    expect(withB.stderr).toMatch(/Failed to get the data key|no identity matched/i);
    const withRecovery = await decryptWith(p.world.secretsFile(A), p.world.recoveryKeyFile, p.world.workDir);
    expect(withRecovery.code).toBe(0);
  });

  test('only values are encrypted; keys stay readable', () => {
    const text = fs.readFileSync(p.world.secretsFile(A), 'utf8');
    for (const key of ['postgres_password', 'minio_secret_key', 'qdrant_token']) {
      expect(text).toMatch(new RegExp(`^${key}: ENC\\[AES256_GCM,`, 'm'));
    }
  });

  test('the age keys live outside the repo with mode 0600, in a 0700 directory', () => {
    for (const id of [A, B]) {
      const key = p.world.keyFile(id);
      expect(path.relative(REPO_ROOT, key).startsWith('..')).toBe(true);
      expect(fs.statSync(key).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(key, 'utf8')).toMatch(/^AGE-SECRET-KEY-1/m);
    }
    expect(fs.statSync(p.world.keyDir).mode & 0o777).toBe(0o700);
  });

  test('.sops.yaml has a creation rule per tenant that sops itself accepts for the tenant file', async () => {
    const cfg = path.join(p.world.secretsRoot, '.sops.yaml');
    const text = fs.readFileSync(cfg, 'utf8');
    const pub = async (key: string) => (await run('age-keygen', ['-y', key])).stdout.trim();
    for (const id of [A, B]) {
      expect(text).toContain(`  # BEGIN tenant ${id}\n  - path_regex: (^|/)tenants/${id}\\.sops\\.yaml$\n    age: ${await pub(p.world.keyFile(id))},${p.world.recoveryRecipient}\n  # END tenant ${id}`);
      // updatekeys compares the file's recipients with the rule: nothing to do.
      const r = await run('sops', ['--config', cfg, 'updatekeys', '--yes', p.world.secretsFile(id)], {
        env: { PATH: process.env.PATH, HOME: p.world.workDir, SOPS_AGE_KEY_FILE: p.world.keyFile(id) },
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/already up to date/);
    }
  });
});

describe('Qdrant (against the STAND-IN, not a real Qdrant server)', () => {
  test('each tenant has its collection with the vector size and distance from its tenant file', () => {
    expect(p.qdrant.collections.get('tenant_alpha')).toMatchObject({ size: 4, distance: 'Cosine' });
    expect(p.qdrant.collections.get('tenant_bravo')).toMatchObject({ size: 8, distance: 'Dot' });
  });

  test("every request the role sent matches Qdrant's REST shapes, and the second run created nothing", () => {
    expect(p.qdrant.violations()).toEqual([]);
    const puts = p.qdrant.requests.filter((r) => r.method === 'PUT' && /^\/collections\/[^/]+$/.test(r.path));
    expect(puts.map((r) => `${r.path} ${r.status}`).sort()).toEqual(['/collections/tenant_alpha 200', '/collections/tenant_bravo 200']);
  });

  test("A's token (stored in A's SOPS file) writes A's collection and is refused on B's", async () => {
    const upsert = (collection: string, size: number) =>
      fetch(`${p.qdrant.url}/collections/${collection}/points`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets(A).qdrant_token}` },
        body: JSON.stringify({ points: [{ id: 1, vector: Array(size).fill(0.5) }] }),
      });
    expect((await upsert('tenant_alpha', 4)).status).toBe(200);
    expect((await upsert('tenant_bravo', 8)).status).toBe(403);
    const claims = JSON.parse(Buffer.from(secrets(A).qdrant_token.split('.')[1], 'base64url').toString());
    expect(claims).toEqual({ access: [{ access: 'rw', collection: 'tenant_alpha' }] });
  });
});

describe('no plaintext secret anywhere but in memory', () => {
  test('no secret value appears in Ansible output, the secrets copy, the work files or the repository', async () => {
    const all: Record<string, string> = {};
    for (const id of [A, B]) for (const [k, v] of Object.entries(secrets(id))) all[`${id}.${k}`] = v;
    all['postgres admin password'] = p.pg.adminPassword;
    all['minio root password'] = p.minio.rootPassword;
    all['qdrant api key'] = p.qdrantApiKey;
    const repoFiles = (await run('git', ['ls-files', '-co', '--exclude-standard'], { cwd: REPO_ROOT })).stdout
      .split('\n')
      .filter(Boolean)
      .map((f) => path.join(REPO_ROOT, f));
    const worldFiles = filesUnder(p.world.root);
    expect(findLeaks(all, outputs, [...worldFiles, ...repoFiles])).toEqual([]);
  });
});

describe('rotate-keys.yml', () => {
  let oldPublic: string;
  let rotation: PlaybookRun;
  let after: PlaybookRun;

  beforeAll(async () => {
    oldPublic = (await run('age-keygen', ['-y', p.world.keyFile(A)])).stdout.trim();
    fs.copyFileSync(p.world.keyFile(A), path.join(p.world.workDir, 'alpha-old-key.txt'));
    rotation = await p.play('playbooks/rotate-keys.yml', { extraVars: { tenant: A } });
    outputs.rotation = rotation.output;
    after = await p.play('playbooks/tenant.yml', { extraVars: { tenant: A } });
    outputs.afterRotation = after.output;
  });

  test('leaves the file decryptable with the new key only, the old key archived and the rule updated', async () => {
    if (rotation.code !== 0) throw new Error(explain(rotation));
    const newPublic = (await run('age-keygen', ['-y', p.world.keyFile(A)])).stdout.trim();
    expect(newPublic).not.toBe(oldPublic);
    const withNew = await decryptWith(p.world.secretsFile(A), p.world.keyFile(A), p.world.workDir);
    expect(withNew.code).toBe(0);
    expect(Object.keys(withNew.data!).filter((k) => withNew.data![k] !== secrets(A)[k])).toEqual([]);
    const withOld = await decryptWith(p.world.secretsFile(A), path.join(p.world.workDir, 'alpha-old-key.txt'), p.world.workDir);
    expect(withOld.code).not.toBe(0);
    expect((await decryptWith(p.world.secretsFile(A), p.world.recoveryKeyFile, p.world.workDir)).code).toBe(0);
    const archived = fs.readdirSync(path.join(p.world.keyDir, 'archive')).filter((f) => f.startsWith(`${A}-`));
    expect(archived).toHaveLength(1);
    const archivedKey = path.join(p.world.keyDir, 'archive', archived[0]);
    expect(fs.statSync(archivedKey).mode & 0o777).toBe(0o600);
    expect((await run('age-keygen', ['-y', archivedKey])).stdout.trim()).toBe(oldPublic);
    const rules = fs.readFileSync(path.join(p.world.secretsRoot, '.sops.yaml'), 'utf8');
    expect(rules).toContain(`age: ${newPublic},${p.world.recoveryRecipient}`);
    expect(rules).not.toContain(oldPublic);
    expect(fs.readdirSync(path.join(p.world.secretsRoot, 'tenants')).sort()).toEqual(['alpha.sops.yaml', 'bravo.sops.yaml']);
  });

  test('the tenant playbook after a rotation still changes nothing', () => {
    if (after.code !== 0) throw new Error(explain(after));
    expect({ changed: after.recap[tenantHost(A)]?.changed, tasks: changedTasks(after.output) }).toEqual({ changed: 0, tasks: [] });
  });

  test("B's file and key were not touched by A's rotation", async () => {
    expect((await decryptWith(p.world.secretsFile(B), p.world.keyFile(B), p.world.workDir)).code).toBe(0);
  });
});

describe('offboard.yml', () => {
  let refused: PlaybookRun;
  let databasesAfterRefusal: string;
  let offboard: PlaybookRun;

  beforeAll(async () => {
    refused = await p.play('playbooks/offboard.yml', { extraVars: { tenant: B } });
    databasesAfterRefusal = await adminQuery(p.pg, "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datname LIKE 'tenant_%'");
    offboard = await p.play('playbooks/offboard.yml', { extraVars: { tenant: B, confirm_offboard: B } });
    outputs.offboard = offboard.output;
  });

  test('fails without -e confirm_offboard=<id>, before touching anything', async () => {
    expect(refused.code).not.toBe(0);
    expect(flat(refused.output)).toMatch(/Repeat the tenant id with -e confirm_offboard=bravo/);
    expect(databasesAfterRefusal).toBe('tenant_alpha,tenant_bravo');
    expect(refused.recap[tenantHost(B)]).toBeUndefined();
  });

  test("removes B's database, role, pg_hba lines, bucket, user, collection and rule, and archives its file and key", async () => {
    if (offboard.code !== 0) throw new Error(explain(offboard));
    expect(await adminQuery(p.pg, "SELECT count(*) FROM pg_database WHERE datname = 'tenant_bravo'")).toBe('0');
    expect(await adminQuery(p.pg, "SELECT count(*) FROM pg_roles WHERE rolname = 'tenant_bravo_user'")).toBe('0');
    expect(fs.readFileSync(p.pg.hbaFile, 'utf8')).not.toContain('tenant bravo');
    const root = { accessKey: p.minio.rootUser, secretKey: p.minio.rootPassword };
    const buckets = await mc(p.minio.endpoint, root, ['ls', 't'], path.join(p.world.workDir, 'mc-test'));
    expect(buckets.stdout).not.toContain('tenant-bravo-bucket');
    const user = await mc(p.minio.endpoint, root, ['admin', 'user', 'info', 't', 'tenant-bravo'], path.join(p.world.workDir, 'mc-test'));
    expect(user.stdout).toMatch(/XMinioAdminNoSuchUser/);
    expect(p.qdrant.collections.has('tenant_bravo')).toBe(false);
    expect(fs.existsSync(p.world.secretsFile(B))).toBe(false);
    expect(fs.existsSync(p.world.keyFile(B))).toBe(false);
    expect(fs.readFileSync(path.join(p.world.secretsRoot, '.sops.yaml'), 'utf8')).not.toContain('tenant bravo');
    const archive = fs.readdirSync(path.join(p.world.keyDir, 'archive')).find((f) => f.startsWith(`${B}-offboarded-`));
    expect(fs.readdirSync(path.join(p.world.keyDir, 'archive', archive!)).sort()).toEqual(['bravo.sops.yaml', 'bravo.txt']);
  });

  test('A keeps working after B is gone', async () => {
    const r = await connectAs('tenant_alpha_user', A, hostSideIp(seq(A)), 'tenant_alpha', 'SELECT sum(n) FROM notes');
    expect(r.stdout.trim()).toBe('42');
  });

  test('no secret leaked in the rotation and offboarding output either', () => {
    const all: Record<string, string> = {};
    for (const id of [A, B]) for (const [k, v] of Object.entries(secrets(id))) all[`${id}.${k}`] = v;
    expect(findLeaks(all, outputs)).toEqual([]);
  });

  test("nothing was written into the repository's secrets/", () => {
    expect(repoSecrets()).toEqual(repoSecretsBefore);
  });
});
