import * as fs from 'fs';
import * as path from 'path';
import { dataLossRisks } from '../../review/data-loss';
import { SENSITIVE, type PlanJson } from '../../lib/plan-json';
import { changeKind, isEmptyPlan, summarizePlan } from '../../review/plan-summary';

const fixture = (name: string): PlanJson =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'plans', name), 'utf8')) as PlanJson;

describe('changeKind', () => {
  test.each([
    [['create'], 'create'],
    [['update'], 'update'],
    [['delete'], 'destroy'],
    [['delete', 'create'], 'replace'],
    [['create', 'delete'], 'replace'],
    [['no-op'], 'no-op'],
    [['read'], 'read'],
    [['forget'], 'forget'],
  ])('%j is %s', (actions, kind) => {
    expect(changeKind(actions)).toBe(kind);
  });
});

describe('summarizePlan on real plans', () => {
  test('a new tenant: every resource is a create, sorted by address', () => {
    const s = summarizePlan(fixture('acme-create.json'));
    expect(s.counts).toEqual({ create: 10, update: 0, replace: 0, destroy: 0, noop: 0, read: 0 });
    const addresses = s.resources.map((r) => r.address);
    expect(addresses).toEqual([...addresses].sort());
    expect(addresses).toContain('hcloud_volume.volume');
    expect(dataLossRisks(s)).toEqual([]);
  });

  test('the same config against its state changes nothing', () => {
    const s = summarizePlan(fixture('acme-unchanged.json'));
    expect(isEmptyPlan(s)).toBe(true);
    expect(s.counts.noop).toBe(10);
  });

  test('resize, grow and re-image: two updates of server_type, one of size, one replacement forced by image', () => {
    const s = summarizePlan(fixture('acme-update-replace.json'));
    expect(s.counts).toEqual({ create: 0, update: 3, replace: 1, destroy: 0, noop: 6, read: 0 });
    const byAddress = Object.fromEntries(s.resources.map((r) => [r.address, r]));
    // hcloud rescales a server in place: a server type change is an update, not a replacement.
    expect(byAddress['hcloud_server.server_app_1'].kind).toBe('update');
    expect(byAddress['hcloud_server.server_app_1'].attributes).toEqual([{ name: 'server_type', before: '"cx22"', after: '"cx32"' }]);
    expect(byAddress['hcloud_volume.volume'].attributes).toEqual([{ name: 'size', before: '100', after: '200' }]);
    const db = byAddress['hcloud_server.server_db_1'];
    expect(db.kind).toBe('replace');
    // Only the cause is listed; ids and addresses a replacement recomputes are not noise for the reviewer.
    expect(db.attributes).toEqual([{ name: 'image', before: '"ubuntu-24.04"', after: '"debian-12"', forcesReplacement: true }]);
    expect(dataLossRisks(s)).toEqual([{ address: 'hcloud_server.server_db_1', type: 'hcloud_server', kind: 'replace', forcedBy: ['image'] }]);
  });

  test('a destroy plan: every resource is destroyed, servers, volume and network are data-loss risks', () => {
    const s = summarizePlan(fixture('acme-destroy.json'));
    expect(s.counts).toEqual({ create: 0, update: 0, replace: 0, destroy: 10, noop: 0, read: 0 });
    expect(s.resources.every((r) => r.after === null && r.before !== null)).toBe(true);
    expect(dataLossRisks(s).map((r) => `${r.kind} ${r.address}`)).toEqual([
      'destroy hcloud_network.network',
      'destroy hcloud_server.server_app_1',
      'destroy hcloud_server.server_app_2',
      'destroy hcloud_server.server_db_1',
      'destroy hcloud_volume.volume',
    ]);
  });

  test('a data-source read is reported apart and never counted as a change', () => {
    const s = summarizePlan(fixture('mixed-with-read.json'));
    expect(s.counts).toEqual({ create: 2, update: 0, replace: 0, destroy: 0, noop: 0, read: 1 });
    expect(s.reads).toEqual(['data.terraform_remote_state.other']);
    expect(s.resources.map((r) => r.address)).not.toContain('data.terraform_remote_state.other');
  });

  test('a plan with no resource_changes is empty', () => {
    expect(isEmptyPlan(summarizePlan({}))).toBe(true);
  });
});

describe('attribute changes', () => {
  const plan = (change: Record<string, unknown>, actions = ['update']): PlanJson => ({
    resource_changes: [{ address: 'hcloud_zone_rrset.a', mode: 'managed', type: 'hcloud_zone_rrset', name: 'a', change: { actions, ...change } as never }],
  });

  test('a value that becomes known only after apply is shown as such in an update', () => {
    const s = summarizePlan(plan({
      before: { records: [{ comment: 'c', value: '203.0.113.1' }], ttl: 300 },
      after: { records: [{ comment: 'c' }], ttl: 300 },
      after_unknown: { records: [{ value: true }] },
    }));
    expect(s.resources[0].attributes).toEqual([{ name: 'records', before: '[{"comment":"c","value":"203.0.113.1"}]', unknownAfter: true }]);
  });

  test('computed values that never had one are not listed', () => {
    const s = summarizePlan(plan({ before: { ttl: 300, id: null }, after: { ttl: 600 }, after_unknown: { id: true } }));
    expect(s.resources[0].attributes).toEqual([{ name: 'ttl', before: '300', after: '600' }]);
  });

  test('long values are shortened to one line', () => {
    const long = 'x'.repeat(500);
    const s = summarizePlan(plan({ before: { user_data: 'a' }, after: { user_data: long }, after_unknown: {} }));
    expect(s.resources[0].attributes[0].after!.length).toBeLessThanOrEqual(60);
    expect(s.resources[0].attributes[0].after!.endsWith('…')).toBe(true);
  });
});

describe('sensitive values never reach the summary', () => {
  const plan = (change: Record<string, unknown>): PlanJson =>
    ({ resource_changes: [{ address: 'hcloud_storage_box_subaccount.backup_subaccount', mode: 'managed', type: 'hcloud_storage_box_subaccount', name: 'backup_subaccount', change }] }) as unknown as PlanJson;

  test('fails if a password OpenTofu marks sensitive is shown in an update or in the before/after values', () => {
    const s = summarizePlan(
      plan({
        actions: ['update'],
        before: { password: 'old-secret-1', labels: { tenant_id: 'acme' }, access_settings: [{ ssh_enabled: true, token: 'tok-old' }] },
        after: { password: 'new-secret-2', labels: { tenant_id: 'acme', x: '1' }, access_settings: [{ ssh_enabled: true, token: 'tok-new' }] },
        after_unknown: {},
        before_sensitive: { password: true, access_settings: [{ token: true }] },
        after_sensitive: { password: true, access_settings: [{ token: true }] },
      }),
    );
    const text = JSON.stringify(s);
    for (const secret of ['old-secret-1', 'new-secret-2', 'tok-old', 'tok-new']) expect(text).not.toContain(secret);
    const attrs = Object.fromEntries(s.resources[0].attributes.map((a) => [a.name, a]));
    expect(attrs.password).toMatchObject({ before: SENSITIVE, after: SENSITIVE });
    expect(attrs.labels.after).toContain('"x":"1"');
    expect(s.resources[0].after).toMatchObject({ password: SENSITIVE, labels: { x: '1' }, access_settings: [{ ssh_enabled: true, token: SENSITIVE }] });
  });

  test('a wholly sensitive value is hidden whole; an absent one stays absent', () => {
    const s = summarizePlan(plan({ actions: ['create'], before: null, after: { password: 'p-3', name: 'n' }, after_unknown: {}, after_sensitive: true }));
    expect(s.resources[0].after).toBe(SENSITIVE);
    expect(s.resources[0].before).toBeNull();
  });
});
