import * as fs from 'fs';
import * as path from 'path';
import { formatDelta, formatEur, monthlyCost, planCost } from '../../review/cost';
import type { PlanJson } from '../../lib/plan-json';
import { summarizePlan } from '../../review/plan-summary';
import { priceTableProblems, shippedPriceTable, type PriceTable } from '../../review/prices';

const prices: PriceTable = {
  date: '2026-01-01',
  approximate: false,
  source: 'test',
  currency: 'EUR',
  basis: 'net',
  volume_gb_month: 0.0572,
  server_backup_percent: 20,
  primary_ipv4_month: { nbg1: 0.5, fsn1: 0.5 },
  server_types: { cx22: { nbg1: 3.79, fsn1: 3.79 }, cx32: { nbg1: 6.8 } },
};

const fixture = (name: string): PlanJson =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'plans', name), 'utf8')) as PlanJson;

describe('monthly cost arithmetic', () => {
  test('a server costs its type in its location plus its primary IPv4', () => {
    const c = monthlyCost([{ address: 's', type: 'hcloud_server', values: { server_type: 'cx22', location: 'nbg1' } }], prices);
    expect(c.lines).toEqual([
      { address: 's', what: 'cx22 in nbg1', cents: 379 },
      { address: 's', what: 'primary IPv4 in nbg1', cents: 50 },
    ]);
    expect(c.cents).toBe(429);
  });

  test('backups add their percentage of the server price', () => {
    const c = monthlyCost([{ address: 's', type: 'hcloud_server', values: { server_type: 'cx32', location: 'nbg1', backups: true } }], prices);
    expect(c.lines.map((l) => [l.what, l.cents])).toEqual([['cx32 in nbg1', 680], ['backups (20%)', 136], ['primary IPv4 in nbg1', 50]]);
  });

  test('a server without public IPv4 pays no IPv4', () => {
    const c = monthlyCost([{ address: 's', type: 'hcloud_server', values: { server_type: 'cx22', location: 'nbg1', public_net: [{ ipv4_enabled: false, ipv6_enabled: true }] } }], prices);
    expect(c.cents).toBe(379);
  });

  test('a volume costs its size times the GB price, rounded to the cent', () => {
    expect(monthlyCost([{ address: 'v', type: 'hcloud_volume', values: { size: 100 } }], prices).cents).toBe(572);
    expect(monthlyCost([{ address: 'v', type: 'hcloud_volume', values: { size: 10 } }], prices).cents).toBe(57); // 0.572
  });

  test('an unassigned primary IPv4 costs; an IPv6 or an assigned one does not (its server pays)', () => {
    const c = monthlyCost([
      { address: 'a', type: 'hcloud_primary_ip', values: { type: 'ipv4', location: 'fsn1' } },
      { address: 'b', type: 'hcloud_primary_ip', values: { type: 'ipv6', location: 'fsn1' } },
      { address: 'c', type: 'hcloud_primary_ip', values: { type: 'ipv4', location: 'fsn1', assignee_id: 42 } },
    ], prices);
    expect(c.lines.map((l) => l.address)).toEqual(['a']);
  });

  test('networks, firewalls and DNS are free', () => {
    const c = monthlyCost(['hcloud_network', 'hcloud_network_subnet', 'hcloud_firewall', 'hcloud_zone_rrset'].map((type) => ({ address: type, type, values: {} })), prices);
    expect(c).toEqual({ cents: 0, lines: [], unpriced: [] });
  });

  test('a server type or location missing from the table is counted as 0 and named', () => {
    const c = monthlyCost([{ address: 's', type: 'hcloud_server', values: { server_type: 'cx99', location: 'nbg1' } }], prices);
    expect(c.unpriced).toEqual(['s: no price for server type cx99 in nbg1']);
    expect(c.cents).toBe(50);
  });
});

describe('plan cost: before and after from the plan values', () => {
  test('a new tenant goes from 0 to the sum of its resources', () => {
    const c = planCost(summarizePlan(fixture('acme-create.json')), prices);
    // 2 x cx22 (379) + cx32 (680); backups 20% (76 + 76 + 136); 3 x IPv4 (150); 100 GB (572)
    expect(c.before.cents).toBe(0);
    expect(c.after.cents).toBe(379 * 2 + 680 + 76 + 76 + 136 + 150 + 572);
    expect(c.deltaCents).toBe(c.after.cents);
  });

  test('resize and grow: the delta is the new types and the extra GB; unchanged resources count on both sides', () => {
    const c = planCost(summarizePlan(fixture('acme-update-replace.json')), prices);
    const before = 379 * 2 + 680 + 76 + 76 + 136 + 150 + 572;
    const after = 680 * 3 + 136 * 3 + 150 + 1144;
    expect([c.before.cents, c.after.cents, c.deltaCents]).toEqual([before, after, after - before]);
  });

  test('offboarding: the whole cost goes away', () => {
    const c = planCost(summarizePlan(fixture('acme-destroy.json')), prices);
    expect(c.after.cents).toBe(0);
    expect(c.deltaCents).toBe(-c.before.cents);
  });
});

describe('money formatting', () => {
  test.each([
    [0, '0.00', '±0.00'],
    [5, '0.05', '+0.05'],
    [12345, '123.45', '+123.45'],
    [-50, '-0.50', '-0.50'],
  ])('%i cents', (cents, eur, delta) => {
    expect(formatEur(cents)).toBe(eur);
    expect(formatDelta(cents)).toBe(delta);
  });
});

describe('the shipped price table', () => {
  const table = shippedPriceTable();

  test('is valid, dated and says where it comes from', () => {
    expect(priceTableProblems(table)).toEqual([]);
    expect(table.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.source.length).toBeGreaterThan(20);
    expect(table.currency).toBe('EUR');
  });

  test('prices every server type and location the example tenants use', () => {
    for (const [type, location] of [['cx22', 'nbg1'], ['cx32', 'nbg1'], ['cx22', 'fsn1'], ['cx42', 'hel1']]) {
      expect(table.server_types[type]?.[location]).toBeGreaterThan(0);
      expect(table.primary_ipv4_month[location]).toBeGreaterThan(0);
    }
  });

  test('fails if the table is broken, naming every problem', () => {
    expect(priceTableProblems({ date: 'today', volume_gb_month: -1, server_types: { cx22: { nbg1: 'x' } } })).toEqual([
      'date must be YYYY-MM-DD',
      'source must be a string',
      'currency must be a string',
      'basis must be a string',
      'approximate must be true or false',
      'volume_gb_month must be a non-negative number',
      'server_backup_percent must be a non-negative number',
      'primary_ipv4_month must be an object of location -> price',
      'server_types.cx22.nbg1 must be a non-negative number',
    ]);
  });
});
