/**
 * What Hetzner, S3 and PostgreSQL accept as names (lib/name-rules.ts), and
 * which names a tenant file makes (lib/tenant/generated-names.ts).
 */
import { bucketNameProblem, dnsNameProblem, hetznerNameProblem, hostnameProblem, postgresNameProblem } from '../../lib/name-rules';
import { generatedNames, nameProblem } from '../../lib/tenant/generated-names';
import { tenantFileSchema } from '../../lib/tenant/schema';

describe('name rules', () => {
  test('server names are one hostname label of at most 63 characters', () => {
    expect(hostnameProblem('tenant-acme-app-1')).toBeUndefined();
    expect(hostnameProblem('a'.repeat(63))).toBeUndefined();
    expect(hostnameProblem('a'.repeat(64))).toMatch(/^is 64 characters; allowed: 1-63 characters/);
    for (const bad of ['Tenant-A', 'a_b', 'a.b', '-a', 'a-', '']) expect(hostnameProblem(bad)).toMatch(/^has characters a hostname cannot have/);
  });

  test('networks, firewalls and volumes: 63 characters, "-", "_", "." inside', () => {
    expect(hetznerNameProblem('tenant-a_b.c-fw')).toBeUndefined();
    expect(hetznerNameProblem('x'.repeat(64))).toMatch(/^is 64 characters/);
    expect(hetznerNameProblem('a b')).toMatch(/^has characters Hetzner refuses/);
  });

  test('DNS names: 253 characters in all, labels of at most 63', () => {
    const label = 'x'.repeat(63);
    expect(dnsNameProblem(`${label}.example.com`)).toBeUndefined();
    expect(dnsNameProblem(`${label}x.example.com`)).toMatch(/^is not a valid DNS name/);
    expect(dnsNameProblem([label, label, label, label].join('.'))).toMatch(/^is 255 characters/);
  });

  test('buckets follow the S3 rules', () => {
    expect(bucketNameProblem('tenant-acme-bucket')).toBeUndefined();
    expect(bucketNameProblem('ab')).toMatch(/^is 2 characters/);
    expect(bucketNameProblem('b'.repeat(64))).toMatch(/^is 64 characters/);
    for (const bad of ['Tenant', 'a..b', '192.168.1.1', 'xn--abc', 'a_b', '-ab']) expect(bucketNameProblem(bad)).toMatch(/^is not a valid bucket name/);
  });

  test('PostgreSQL names: 63 bytes, lowercase identifiers', () => {
    expect(postgresNameProblem('tenant_acme_user')).toBeUndefined();
    expect(postgresNameProblem('t'.repeat(64))).toMatch(/^is 64 bytes/);
    expect(postgresNameProblem('tenant-acme')).toMatch(/^is not a valid identifier/);
  });
});

describe('generated names', () => {
  const input = tenantFileSchema.parse({
    id: 'acme', seq: 1, environment: 'staging',
    servers: [{ name: 'app', count: 2 }, { name: 'db' }],
    volume: { size_gb: 10 },
    dns: { records: [{ name: 'www', target: 'app' }] },
    storage: { postgres: true, minio: true },
  });

  test('lists every name a tenant file makes, with the field that makes it', () => {
    expect(generatedNames(input, { zone: 'example.com' }).map((n) => `${n.kind} ${n.name} @${n.path.join('.')}`)).toEqual([
      'network tenant-acme-net @id',
      'firewall tenant-acme-fw @id',
      'volume tenant-acme-data @id',
      'server tenant-acme-app-1 @servers.0.name',
      'server tenant-acme-app-2 @servers.0.name',
      'server tenant-acme-db-1 @servers.1.name',
      'DNS www.example.com @dns.records.0.name',
      'bucket tenant-acme-bucket @id',
      'database tenant_acme @id',
      'database role tenant_acme_user @id',
    ]);
    expect(generatedNames(input, { zone: 'example.com' }).map(nameProblem).filter(Boolean)).toEqual([]);
  });

  test('names the jump host an offline tenant gets, made by its mode', () => {
    const offline = tenantFileSchema.parse({ id: 'acme', seq: 1, environment: 'staging', mode: 'offline', servers: [{ name: 'app' }] });
    expect(generatedNames(offline, undefined).filter((n) => n.kind === 'server').map((n) => `${n.name} @${n.path.join('.')}`)).toEqual([
      'tenant-acme-app-1 @servers.0.name',
      'tenant-acme-jump-1 @mode',
    ]);
  });

  test('fails if a name is refused where it is used, saying which name', () => {
    expect(nameProblem({ kind: 'database', name: `tenant_${'a'.repeat(60)}`, path: ['id'] })).toBe(
      `database name "tenant_${'a'.repeat(60)}" is 67 bytes; allowed: at most 63 bytes, lowercase letters, digits and "_", starting with a letter or "_" (PostgreSQL truncates longer identifiers)`,
    );
  });
});
