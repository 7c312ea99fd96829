import * as fs from 'fs';
import * as path from 'path';
import { DRIFT_MARKER, renderDrift } from '../../drift/markdown';
import { attributeDrift, managedResourceCount, renderValue, resourceDrift } from '../../drift/resource-drift';
import { SENSITIVE } from '../../lib/plan-json';
import { driftExitCode, type DriftResult, type TenantDrift } from '../../drift/result';
import type { PlanJson, PlanResourceChange } from '../../lib/plan-json';

/** A real refresh-only plan: globex applied to the local cloud, then changed through its API (see fixtures/plans/README.md). */
const plan = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'plans', 'globex-drift.json'), 'utf8')) as PlanJson;

const change = (before: Record<string, unknown> | null, after: Record<string, unknown> | null, over: Partial<PlanResourceChange['change']> = {}): PlanResourceChange => ({
  address: 'hcloud_server.x', mode: 'managed', type: 'hcloud_server', name: 'x',
  change: { actions: ['update'], before, after, ...over },
});

describe('drift from a refresh-only plan', () => {
  test('reports the label, the firewall rule and the deleted record that were changed through the API', () => {
    expect(resourceDrift(plan)).toEqual([
      {
        address: 'hcloud_firewall.firewall', type: 'hcloud_firewall', kind: 'changed',
        attributes: [{
          path: 'rule',
          before: '{"direction":"in","port":"22","protocol":"tcp","source_ips":["198.51.100.0/28"]}',
          after: '{"direction":"in","port":"22","protocol":"tcp","source_ips":["0.0.0.0/0"]}',
        }],
      },
      { address: 'hcloud_server.server_web_1', type: 'hcloud_server', kind: 'changed', attributes: [{ path: 'labels.environment', before: '"staging"', after: '"production"' }] },
      { address: 'hcloud_zone_rrset.dns_globex_aaaa', type: 'hcloud_zone_rrset', kind: 'deleted', attributes: [] },
    ]);
  });

  test('counts the resources still in state after the refresh (0: not deployed)', () => {
    // network, subnet, firewall, server, the A record: the deleted AAAA record is no longer in the refreshed state.
    expect(managedResourceCount(plan)).toBe(5);
    expect(managedResourceCount({})).toBe(0);
  });

  test('data-source reads are not drift', () => {
    const read: PlanResourceChange = { address: 'data.hcloud_image.x', mode: 'data', type: 'hcloud_image', name: 'x', change: { actions: ['read'], before: null, after: { id: 1 } } };
    const readManaged: PlanResourceChange = { ...change({ a: 1 }, { a: 2 }), change: { actions: ['read'], before: { a: 1 }, after: { a: 2 } } };
    expect(resourceDrift({ resource_drift: [read, readManaged] })).toEqual([]);
  });

  test('a rule set coming back in another order is not drift; a changed item is', () => {
    const a = { rule: [{ port: '22', source_ips: ['10.0.0.0/8'] }, { port: '443', source_ips: ['0.0.0.0/0'] }] };
    const reordered = { rule: [a.rule[1], a.rule[0]] };
    expect(resourceDrift({ resource_drift: [change(a, reordered)] })).toEqual([]);
    expect(attributeDrift(change(a, { rule: [a.rule[0]] }))).toEqual([{ path: 'rule', before: '{"port":"443","source_ips":["0.0.0.0/0"]}' }]);
  });

  test('one nested block is compared inside, down to the leaf', () => {
    const before = { network: [{ ip: '10.13.1.10', network_id: 5 }], public_net: [{ ipv4_enabled: true }] };
    const after = { network: [{ ip: '10.13.1.11', network_id: 5 }], public_net: [{ ipv4_enabled: true }] };
    expect(attributeDrift(change(before, after))).toEqual([{ path: 'network[0].ip', before: '"10.13.1.10"', after: '"10.13.1.11"' }]);
  });

  test('never shows a sensitive value', () => {
    const rc = change({ labels: { a: '1' }, password: 'hunter2-old' }, { labels: { a: '2' }, password: 'hunter2-new' }, { before_sensitive: { password: true }, after_sensitive: { password: true } });
    const out = attributeDrift(rc);
    expect(out).toEqual([{ path: 'labels.a', before: '"1"', after: '"2"' }, { path: 'password', before: SENSITIVE, after: SENSITIVE }]);
    expect(JSON.stringify(out)).not.toContain('hunter2');
    const whole = change({ token: 'x' }, { token: 'y' }, { after_sensitive: true });
    expect(attributeDrift(whole)).toEqual([{ path: 'token', before: SENSITIVE, after: SENSITIVE }]);
  });

  test('renders values on one line, without empty members, cut when long', () => {
    expect(renderValue({ port: '22', description: null, destination_ips: [] })).toBe('{"port":"22"}');
    expect(renderValue('x'.repeat(300))).toHaveLength(120);
  });
});

describe('drift report', () => {
  const tenant = (over: Partial<TenantDrift>): TenantDrift => ({ tenant: 't', status: 'clean', managed: 9, resources: [], ...over });
  const drifted: DriftResult = {
    tenants: [
      tenant({ tenant: 'globex', status: 'drift', resources: resourceDrift(plan) }),
      tenant({ tenant: 'acme', status: 'clean', managed: 12 }),
      tenant({ tenant: 'initech', status: 'not-deployed', managed: 0 }),
    ],
  };

  test('exit codes: 0 clean, 1 drift, 2 could not check (whatever else)', () => {
    expect(driftExitCode({ tenants: [tenant({}), tenant({ status: 'not-deployed' })] })).toBe(0);
    expect(driftExitCode(drifted)).toBe(1);
    expect(driftExitCode({ tenants: [...drifted.tenants, tenant({ tenant: 'x', status: 'error', error: 'boom' })] })).toBe(2);
  });

  test('names every drifted resource and attribute, old -> new, after a summary table', () => {
    const md = renderDrift(drifted);
    expect(md.split('\n')[0]).toBe(DRIFT_MARKER);
    expect(md).toContain('## Drift: 2 deployed tenants checked — ❌ 1 tenant drifted');
    expect(md).toContain('| `acme` | ✅ clean | 12 | 0 |');
    expect(md).toContain('| `globex` | ❌ drift | 9 | 3 |');
    expect(md).toContain('#### `globex`: 3 resources drifted');
    expect(md).toContain('- `hcloud_server.server_web_1`: changed outside OpenTofu\n  - `labels.environment`: `"staging"` → `"production"`');
    expect(md).toContain('- `hcloud_zone_rrset.dns_globex_aaaa`: **deleted outside OpenTofu**');
    expect(md).toContain('Not deployed (no state): `initech`.');
    expect(md).toContain('Exit code 1.');
    expect(md).toBe(renderDrift({ tenants: [...drifted.tenants].reverse() }));
  });

  test('says which tenants could not be checked and why', () => {
    const md = renderDrift({ tenants: [tenant({ tenant: 'acme', status: 'error', error: 'no API token: set HCLOUD_TOKEN' })] });
    expect(md).toContain('⚠️ incomplete: some tenants could not be checked');
    expect(md).toContain('| `acme` | ⚠️ could not check | – | – |');
    expect(md).toContain('### Could not check\n\n- `acme`: no API token: set HCLOUD_TOKEN');
  });

  test('stays under the size limit by omitting details, with a note', () => {
    const many = { tenants: Array.from({ length: 400 }, (_, i) => tenant({ tenant: `t${String(i).padStart(3, '0')}`, status: 'drift', resources: resourceDrift(plan) })) };
    const md = renderDrift(many);
    expect(md.length).toBeLessThanOrEqual(65000);
    expect(md).toMatch(/Details of \d+ tenants omitted to stay under the comment limit/);
    expect(md).toContain('| `t399` | ❌ drift |');
  });
});
