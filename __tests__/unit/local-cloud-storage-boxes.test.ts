/**
 * Storage Boxes and their subaccounts in the local Hetzner API (records only,
 * in process): the routes provider v1.68 calls (hcloud-go's StorageBoxClient),
 * the password policy, home directories, and that no password is ever shown
 * or kept.
 */
import { HcloudApi, startHcloudApi } from '../../local-cloud';
import { call, ok } from '../../local-cloud/client';
import { storageBoxPasswordProblem } from '../../local-cloud/resources/storage-box-password';
import { homeDirectoryProblem } from '../../local-cloud/resources/storage-box-subaccounts';
import { desiredStorageBoxes } from '../../local-cloud/storage-boxes/sftp-accounts';

const PASSWORD = 'Backup-Box-2026-example';
const SUB_PASSWORD = 'Tenant.Acme-1-example';

describe('Storage Boxes in the local API', () => {
  let api: HcloudApi;
  beforeEach(async () => {
    api = await startHcloudApi({ log: () => undefined });
  });
  afterEach(async () => {
    await api.stop();
  });

  const box = (extra: Record<string, unknown> = {}) =>
    ok(api.url, 'POST', '/storage_boxes', { name: 'platform-backups', storage_box_type: 'bx11', location: 'fsn1', password: PASSWORD, access_settings: { ssh_enabled: true }, ...extra });
  const sub = (boxId: number, extra: Record<string, unknown> = {}) =>
    ok(api.url, 'POST', `/storage_boxes/${boxId}/subaccounts`, { home_directory: 'tenants/acme', password: SUB_PASSWORD, access_settings: { ssh_enabled: true }, labels: { tenant_id: 'acme' }, ...extra });

  test('creates a box with an action and shows it as hcloud-go reads it, with main account u<id>', async () => {
    const created = await box({ labels: { role: 'backup' } });
    expect(created.action).toMatchObject({ command: 'create', status: 'success', resources: [{ id: created.storage_box.id, type: 'storage_box' }] });
    const got = (await ok(api.url, 'GET', `/storage_boxes/${created.storage_box.id}`)).storage_box;
    expect(got).toMatchObject({
      name: 'platform-backups',
      username: `u${got.id}`,
      status: 'active',
      storage_box_type: { name: 'bx11', subaccounts_limit: 100 },
      location: { name: 'fsn1' },
      access_settings: { ssh_enabled: true, samba_enabled: false, webdav_enabled: false, reachable_externally: false, zfs_enabled: false },
      labels: { role: 'backup' },
      protection: { delete: false },
      snapshot_plan: null,
    });
    expect(got.server).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(JSON.stringify(got)).not.toContain(PASSWORD);
    const list = await ok(api.url, 'GET', '/storage_boxes?label_selector=role%3Dbackup');
    expect(list.storage_boxes.map((b: any) => b.id)).toEqual([got.id]);
    expect(list.meta.pagination.total_entries).toBe(1);
  });

  test('fails if the password breaks Hetzner\'s policy, naming the field and never the password', async () => {
    const r = await call(api.url, 'POST', '/storage_boxes', { name: 'b', storage_box_type: 'bx11', location: 'fsn1', password: 'alllowercase-1' });
    expect(r.status).toBe(400);
    expect(r.body.error.details.fields[0].name).toBe('password');
    expect(r.body.error.message).toContain('an upper case letter');
    expect(r.body.error.message).not.toContain('alllowercase-1');
    expect(api.state.storage_boxes).toHaveLength(0);
  });

  test('the password policy: length, allowed characters and the four classes', () => {
    expect(storageBoxPasswordProblem(PASSWORD)).toBeUndefined();
    expect(storageBoxPasswordProblem('Aa1-short')).toBe('must be 12 to 128 characters long (got 9)');
    expect(storageBoxPasswordProblem('Aa1-with a space')).toContain('may only contain');
    expect(storageBoxPasswordProblem('NoSpecialChars123')).toContain('a special character');
    expect(storageBoxPasswordProblem('Ümlaute-sind-ok-1')).toBeUndefined();
  });

  test('a subaccount is u<box>-sub<n>, confined to its home directory, labelled, and its password is kept only as a hash', async () => {
    const b = (await box()).storage_box;
    const created = await sub(b.id, { description: 'tenant acme' });
    expect(created.subaccount).toEqual({ id: expect.any(Number), storage_box: b.id });
    expect(created.action.command).toBe('create_subaccount');
    const got = (await ok(api.url, 'GET', `/storage_boxes/${b.id}/subaccounts/${created.subaccount.id}`)).subaccount;
    expect(got).toEqual({
      id: created.subaccount.id,
      name: `u${b.id}-sub1`,
      username: `u${b.id}-sub1`,
      home_directory: 'tenants/acme',
      server: b.server,
      access_settings: { ssh_enabled: true, readonly: false, samba_enabled: false, webdav_enabled: false, reachable_externally: false },
      description: 'tenant acme',
      labels: { tenant_id: 'acme' },
      created: expect.any(String),
      storage_box: b.id,
    });
    const record = api.state.storage_box_subaccounts[0];
    expect(record.password_hash).toMatch(/^\$6\$/);
    expect(JSON.stringify(api.state)).not.toContain(SUB_PASSWORD);
    // Numbers are never reused, even after a delete.
    await ok(api.url, 'DELETE', `/storage_boxes/${b.id}/subaccounts/${created.subaccount.id}`);
    const again = await sub(b.id, { home_directory: 'tenants/globex', labels: { tenant_id: 'globex' } });
    const second = (await ok(api.url, 'GET', `/storage_boxes/${b.id}/subaccounts/${again.subaccount.id}`)).subaccount;
    expect(second.username).toBe(`u${b.id}-sub2`);
  });

  test('lists subaccounts by label selector and username, without pagination as hcloud-go expects', async () => {
    const b = (await box()).storage_box;
    await sub(b.id);
    await sub(b.id, { home_directory: 'tenants/globex', labels: { tenant_id: 'globex' } });
    const byLabel = await ok(api.url, 'GET', `/storage_boxes/${b.id}/subaccounts?label_selector=tenant_id%3Dglobex`);
    expect(byLabel.subaccounts.map((a: any) => a.home_directory)).toEqual(['tenants/globex']);
    expect(byLabel.meta).toBeUndefined();
    const byUser = await ok(api.url, 'GET', `/storage_boxes/${b.id}/subaccounts?username=u${b.id}-sub1`);
    expect(byUser.subaccounts.map((a: any) => a.home_directory)).toEqual(['tenants/acme']);
  });

  test('fails if a home directory is absolute or climbs out, naming home_directory', async () => {
    const b = (await box()).storage_box;
    for (const home of ['/tenants/acme', 'tenants/../globex', '']) {
      const r = await call(api.url, 'POST', `/storage_boxes/${b.id}/subaccounts`, { home_directory: home, password: SUB_PASSWORD });
      expect(r.status).toBe(400);
      expect(r.body.error.details.fields[0].name).toBe('home_directory');
    }
    expect(homeDirectoryProblem('tenants/acme')).toBeUndefined();
    expect(api.state.storage_box_subaccounts).toHaveLength(0);
  });

  test('the actions the provider runs on update: home directory, password, access settings; then PUT name, description, labels', async () => {
    const b = (await box()).storage_box;
    const id = (await sub(b.id)).subaccount.id;
    const base = `/storage_boxes/${b.id}/subaccounts/${id}`;
    const before = api.state.storage_box_subaccounts[0].password_hash;
    expect((await ok(api.url, 'POST', `${base}/actions/change_home_directory`, { home_directory: 'tenants/acme2' })).action.command).toBe('change_home_directory');
    await ok(api.url, 'POST', `${base}/actions/reset_subaccount_password`, { password: 'Another-Secret-99' });
    await ok(api.url, 'POST', `${base}/actions/update_access_settings`, { readonly: true });
    const put = (await ok(api.url, 'PUT', base, { name: 'tenant-acme-backup', description: 'd', labels: { tenant_id: 'acme', x: 'y' } })).subaccount;
    expect(put).toMatchObject({ name: 'tenant-acme-backup', description: 'd', home_directory: 'tenants/acme2', labels: { tenant_id: 'acme', x: 'y' }, access_settings: { readonly: true, ssh_enabled: true } });
    expect(api.state.storage_box_subaccounts[0].password_hash).not.toBe(before);
    const actions = await ok(api.url, 'GET', `/storage_boxes/${b.id}/actions`);
    expect(actions.actions.map((a: any) => a.command)).toEqual(['create', 'create_subaccount', 'change_home_directory', 'reset_subaccount_password', 'update_access_settings']);
  });

  test('a protected box is not deleted; deleting it removes its subaccounts', async () => {
    const b = (await box()).storage_box;
    await sub(b.id);
    await ok(api.url, 'POST', `/storage_boxes/${b.id}/actions/change_protection`, { delete: true });
    expect((await call(api.url, 'DELETE', `/storage_boxes/${b.id}`)).body.error.code).toBe('protected');
    await ok(api.url, 'POST', `/storage_boxes/${b.id}/actions/change_protection`, { delete: false });
    expect((await ok(api.url, 'DELETE', `/storage_boxes/${b.id}`)).action.command).toBe('delete_storage_box');
    expect(api.state.storage_box_subaccounts).toHaveLength(0);
    expect((await call(api.url, 'GET', `/storage_boxes/${b.id}/subaccounts`)).status).toBe(404);
  });

  test('the SFTP server wants one account per main account (whole box) and subaccount (its home), with their access settings', async () => {
    const b = (await box()).storage_box;
    await sub(b.id, { home_directory: 'tenants/acme/', access_settings: { ssh_enabled: true, readonly: true } });
    await sub(b.id, { home_directory: 'tenants/globex', access_settings: { ssh_enabled: false } });
    const [want] = desiredStorageBoxes(api.state);
    expect(want).toEqual({
      id: b.id,
      name: 'platform-backups',
      address: b.server,
      accounts: [
        { username: `u${b.id}`, home: '', passwordHash: expect.stringMatching(/^\$6\$/), ssh: true, readonly: false },
        { username: `u${b.id}-sub1`, home: 'tenants/acme', passwordHash: expect.stringMatching(/^\$6\$/), ssh: true, readonly: true },
        { username: `u${b.id}-sub2`, home: 'tenants/globex', passwordHash: expect.stringMatching(/^\$6\$/), ssh: false, readonly: false },
      ],
    });
  });

  test('storage box types are listed for the provider\'s data source', async () => {
    const t = await ok(api.url, 'GET', '/storage_box_types?name=bx21');
    expect(t.storage_box_types).toEqual([expect.objectContaining({ name: 'bx21', subaccounts_limit: 100 })]);
  });
});
