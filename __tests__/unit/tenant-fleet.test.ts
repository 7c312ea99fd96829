/**
 * Fleet-wide rules: ids, seq values and DNS names are unique across all tenant
 * files, and each error names both files (with line and column).
 */
import { checkFleet, nextFreeSeq } from '../../lib/tenant/check-fleet';
import { lines } from '../fixtures/tenants/check';

const ALL = ['alpha.yaml', 'bravo.yaml', 'charlie.yaml', 'delta.yaml'];

describe('fleet rules', () => {
  test('fails if two tenants share an id, a seq or a DNS name, naming both files', () => {
    expect(lines('fleet-duplicates', ...ALL)).toEqual([
      'fleet-duplicates/bravo.yaml:2:6: seq: seq 5 (network 10.5.0.0/16) is already used by fleet-duplicates/alpha.yaml:2:6; allowed: a seq no other tenant uses (the next free one is 8)',
      'fleet-duplicates/bravo.yaml:10:13: dns.records[1].name: DNS name "www.tenants.example.com" is already used by fleet-duplicates/alpha.yaml:8:13; allowed: a name no other tenant uses',
      'fleet-duplicates/charlie.yaml:2:5: id: id "alpha" does not match the file name charlie.yaml; allowed: "charlie" (or rename the file to alpha.yaml)',
      'fleet-duplicates/charlie.yaml:2:5: id: id "alpha" is already used by fleet-duplicates/alpha.yaml:1:5; allowed: an id no other tenant uses',
      // delta has an unrelated schema error and still takes part in the fleet checks.
      'fleet-duplicates/delta.yaml:3:6: seq: seq 7 (network 10.7.0.0/16) is already used by fleet-duplicates/charlie.yaml:3:6; allowed: a seq no other tenant uses (the next free one is 8)',
      'fleet-duplicates/delta.yaml:5:1: colour: unknown key "colour"; allowed keys: id, seq, environment, mode, location, servers, volume, dns, firewall, storage, hcloud_token_env, allow_destroy',
    ]);
  });

  test('accepts files that do not collide', () => {
    expect(lines('fleet-duplicates', 'alpha.yaml')).toEqual([]);
  });

  test('checkFleet is a pure function of the members (a Tenant is one)', () => {
    const members = [
      { sourceFile: 'a.yaml', id: 'a', seq: 1, dnsRecords: [{ fqdn: 'x.example.com' }] },
      { sourceFile: 'b.yaml', id: 'b', seq: 1, dnsRecords: [{ fqdn: 'y.example.com' }, { fqdn: 'x.example.com', index: 3 }] },
      { sourceFile: 'c.yaml', dnsRecords: [] }, // id and seq invalid: not compared
    ];
    expect(checkFleet(members)).toEqual([
      { severity: 'error', file: 'b.yaml', path: ['seq'], message: 'seq 1 (network 10.1.0.0/16) is already used by a.yaml; allowed: a seq no other tenant uses (the next free one is 2)' },
      { severity: 'error', file: 'b.yaml', path: ['dns', 'records', 3, 'name'], message: 'DNS name "x.example.com" is already used by a.yaml; allowed: a name no other tenant uses' },
    ]);
  });

  test('the next free seq is above the highest used one, else the lowest gap', () => {
    expect(nextFreeSeq([])).toBe(1);
    expect(nextFreeSeq([12, 13, 14])).toBe(15);
    expect(nextFreeSeq([3, 254])).toBe(1);
    expect(nextFreeSeq(Array.from({ length: 254 }, (_, i) => i + 1))).toBeUndefined();
  });
});

describe('generated names', () => {
  const allowedHost = 'allowed: 1-63 characters, lowercase letters, digits and "-", a letter or digit at both ends (a hostname, RFC 1123)';

  test('fails if two tenants make the same server name (a + b-app, a-b + app), naming both files', () => {
    expect(lines('fleet-names', 'a.yaml', 'a-b.yaml')).toEqual([
      'fleet-names/a-b.yaml:5:11: servers[0].name: server name "tenant-a-b-app-1" is already used by fleet-names/a.yaml:5:11; allowed: a name no other tenant makes (servers are named tenant-<id>-<group>-<n>: rename this group)',
    ]);
  });

  test('fails if a server name is longer than 63 characters or a DNS name longer than 253, once per field', () => {
    const x = 'x'.repeat(63);
    expect(lines('fleet-names', 'abcdefghijklmnopqrstuvwxyz1234.yaml')).toEqual([
      `fleet-names/abcdefghijklmnopqrstuvwxyz1234.yaml:8:11: servers[1].name: server name "tenant-abcdefghijklmnopqrstuvwxyz1234-abcdefghijklmnopqrstuvwx-1" is 64 characters; ${allowedHost}`,
      `fleet-names/abcdefghijklmnopqrstuvwxyz1234.yaml:9:11: servers[2].name: server name "tenant-abcdefghijklmnopqrstuvwxyz1234-abcdefghijklmnopqrstuvw-10" is 64 characters; ${allowedHost}`,
      `fleet-names/abcdefghijklmnopqrstuvwxyz1234.yaml:15:13: dns.records[1].name: DNS name "${x}.${x}.${x}.${x}.tenants.example.com" is 275 characters; allowed: at most 253 characters in all, dot-separated labels of 1-63 lowercase letters, digits and "-"`,
    ]);
  });

  test('accepts a fleet whose generated names are all distinct', () => {
    expect(lines('fleet-names', 'a.yaml')).toEqual([]);
    expect(lines('fleet-names', 'a-b.yaml')).toEqual([]);
  });
});
