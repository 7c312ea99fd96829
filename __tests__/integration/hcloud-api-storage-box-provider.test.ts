/**
 * The real OpenTofu and hcloud provider (v1.68.0) manage a Storage Box and a
 * subaccount on the local API (stand-in; HETZNER_ENDPOINT points the
 * provider's Storage Box client at it): create, read back without drift,
 * update through the actions the provider uses (home directory, password,
 * access settings) and PUT, destroy. Every call must hit an implemented route.
 */
import { HcloudApi, startHcloudApi } from '../../local-cloud';
import { expectExit, TofuWorkspace, tofuProblem, tofuWorkspace } from '../../test-support/tofu-async';

jest.setTimeout(180_000);

interface Knobs {
  home?: string;
  password?: string;
  readonly?: boolean;
  label?: string;
}

function config(k: Knobs = {}): Record<string, unknown> {
  return {
    hcloud_storage_box: {
      box: {
        name: 'platform-backups',
        storage_box_type: 'bx11',
        location: 'fsn1',
        password: 'Box-Main-Password-1',
        access_settings: { ssh_enabled: true },
        labels: { role: 'backup' },
      },
    },
    hcloud_storage_box_subaccount: {
      acme: {
        storage_box_id: '${hcloud_storage_box.box.id}',
        name: 'tenant-acme-backup',
        home_directory: k.home ?? 'tenants/acme',
        password: k.password ?? 'Acme-Sub-Password-1',
        description: 'Backups of tenant acme',
        access_settings: { ssh_enabled: true, readonly: k.readonly ?? false },
        labels: { tenant_id: 'acme', managed_by: 'hetzner-tenants', ...(k.label ? { extra: k.label } : {}) },
      },
    },
  };
}

describe('Storage Boxes through the real provider (API: local stand-in)', () => {
  let api: HcloudApi;
  let ws: TofuWorkspace;

  beforeAll(async () => {
    const problem = tofuProblem();
    if (problem) throw new Error(problem);
    api = await startHcloudApi({ actionPolls: 1, log: () => undefined });
    ws = tofuWorkspace(api.url, 'storage-box-');
    ws.write(config());
    expectExit(await ws.init(), 0, 'init');
  });
  afterAll(async () => {
    ws?.remove();
    await api?.stop();
  });

  test('creates the box and a subaccount, and a second plan shows no changes', async () => {
    ws.write(config());
    expectExit(await ws.apply(), 0, 'apply');
    expect(api.state.storage_boxes.map((b) => b.name)).toEqual(['platform-backups']);
    expect(api.state.storage_box_subaccounts.map((a) => [a.name, a.home_directory, a.username, a.access_settings.ssh_enabled])).toEqual([
      ['tenant-acme-backup', 'tenants/acme', `u${api.state.storage_boxes[0].id}-sub1`, true],
    ]);
    expectExit(await ws.plan(), 0, 'plan after apply');
    expect(api.unknownRoutes).toEqual([]);
  });

  test('updates in place: home directory, password, access settings, labels', async () => {
    const hash = api.state.storage_box_subaccounts[0].password_hash;
    const id = api.state.storage_box_subaccounts[0].id;
    ws.write(config({ home: 'tenants/acme2', password: 'Acme-Sub-Password-2', readonly: true, label: 'x' }));
    expectExit(await ws.apply(), 0, 'apply update');
    const sub = api.state.storage_box_subaccounts[0];
    expect([sub.id, sub.home_directory, sub.access_settings.readonly, sub.labels.extra]).toEqual([id, 'tenants/acme2', true, 'x']);
    expect(sub.password_hash).not.toBe(hash);
    const routes = api.requests.map((r) => r.route);
    expect(routes).toEqual(expect.arrayContaining([
      'POST /storage_boxes/{id}/subaccounts/{sub}/actions/change_home_directory',
      'POST /storage_boxes/{id}/subaccounts/{sub}/actions/reset_subaccount_password',
      'POST /storage_boxes/{id}/subaccounts/{sub}/actions/update_access_settings',
      'PUT /storage_boxes/{id}/subaccounts/{sub}',
    ]));
    expectExit(await ws.plan(), 0, 'plan after update');
  });

  test('the password never reaches the API state or the requests log', () => {
    const state = JSON.stringify(api.state);
    for (const p of ['Box-Main-Password-1', 'Acme-Sub-Password-1', 'Acme-Sub-Password-2']) expect(state).not.toContain(p);
  });

  test('destroys the subaccount and the box', async () => {
    expectExit(await ws.destroy(), 0, 'destroy');
    expect([api.state.storage_boxes, api.state.storage_box_subaccounts]).toEqual([[], []]);
    expect(api.unknownRoutes).toEqual([]);
  });
});
