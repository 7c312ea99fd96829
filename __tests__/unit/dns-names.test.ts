/**
 * DNS names as Hetzner accepts them (lib/dns-names.ts): zones are registered
 * domains (no subzones), rrset names are relative to their zone, server names
 * are RFC 1123 hostnames of at most 63 characters.
 */
import { rrsetNameProblem, serverNameProblem, zoneNameProblem } from '../../lib/dns-names';
import { dnsRecordFqdn, dnsRecordName } from '../../lib/naming';

describe('zone names', () => {
  test.each(['example.com', 'example.co.uk', 'xn--bcher-kva.de', 'a-b.io'])('accepts the registered domain %s', (name) => {
    expect(zoneNameProblem(name)).toBeUndefined();
  });

  test.each([
    ['tenants.example.com', '"tenants.example.com" is a subdomain of example.com; Hetzner DNS has no subzones'],
    ['a.example.co.uk', '"a.example.co.uk" is a subdomain of example.co.uk; Hetzner DNS has no subzones'],
    ['co.uk', '"co.uk" is a public suffix, not a registered domain'],
    ['com', '"com" is not a domain name: lowercase dot-separated labels of letters, digits and "-", no trailing dot'],
    ['Example.com', '"Example.com" is not a domain name: lowercase dot-separated labels of letters, digits and "-", no trailing dot'],
    ['example.com.', '"example.com." is not a domain name: lowercase dot-separated labels of letters, digits and "-", no trailing dot'],
  ])('fails if the zone is %s', (name, problem) => {
    expect(zoneNameProblem(name)).toBe(problem);
  });
});

describe('rrset names', () => {
  test.each(['@', 'acme', 'acme.tenants', '_acme-challenge.www', '*.acme'])('accepts %s in example.com', (name) => {
    expect(rrsetNameProblem(name, 'example.com')).toBeUndefined();
  });

  test.each([
    ['acme.example.com', 'ends with the zone name example.com'],
    ['example.com', 'ends with the zone name example.com'],
    ['acme.', 'ends with a dot'],
    ['Acme', 'is not a relative lowercase name'],
    ['a.*', 'is not a relative lowercase name'],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}`, 'is longer than 253 characters'],
  ])('fails if the name is %s', (name, problem) => {
    expect(rrsetNameProblem(name, 'example.com')).toContain(problem);
  });
});

describe('server names', () => {
  test.each(['tenant-acme-app-1', 'web1.example', 'A1'])('accepts %s', (name) => {
    expect(serverNameProblem(name)).toBeUndefined();
  });

  test.each(['my_server', '-web', 'web-', 'a..b', '', 'x'.repeat(64)])('fails if the name is "%s"', (name) => {
    expect(serverNameProblem(name)).toBeDefined();
  });
});

test('a tenant record is named <record>.<suffix> inside the zone', () => {
  expect(dnsRecordName('acme', 'tenants')).toBe('acme.tenants');
  expect(dnsRecordName('acme')).toBe('acme');
  expect(dnsRecordFqdn({ zone: 'example.com', suffix: 'tenants' }, 'db.acme')).toBe('db.acme.tenants.example.com');
});
