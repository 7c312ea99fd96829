/**
 * Storage Box subaccounts (`/storage_boxes/{id}/subaccounts`): list (name,
 * username, label_selector, sort; not paginated, as on Hetzner), get, create,
 * update (name, description, labels), delete, and the actions
 * reset_subaccount_password, update_access_settings, change_home_directory.
 *
 * A subaccount is `u<box id>-sub<n>` (n counts up per box, never reused),
 * confined to its home directory (relative to the box's root, no leading
 * slash, no `..`); the box's type limits how many there are. Its password
 * follows the box password policy and is kept only as a crypt hash. Deleting
 * a subaccount keeps its directory, as on Hetzner.
 *
 * Simplification: Hetzner answers `locked` to a second subaccount created on
 * the same box while one is being created; the local API applies changes at
 * once, so only fault injection produces it.
 */
import { createAction, renderAction } from '../actions';
import { ApiError, invalidInput, notFound } from '../errors';
import { filterByField, filterBySelector, recordById, sortItems } from '../pagination';
import { requireUniqueName } from '../resource-routes';
import type { Router } from '../router';
import type { ApiState, StorageBoxRecord, StorageBoxSubaccountRecord, Store } from '../state';
import * as v from '../validate';
import { findStorageBoxType } from './catalog';
import { hashPassword, storageBoxPassword } from './storage-box-password';
import { accessSettings, boxAction } from './storage-boxes';

type SubaccountAccess = StorageBoxSubaccountRecord['access_settings'];
const NO_ACCESS: SubaccountAccess = { reachable_externally: false, readonly: false, samba_enabled: false, ssh_enabled: false, webdav_enabled: false };

/** What is wrong with a home directory; undefined when it is fine. */
export function homeDirectoryProblem(dir: string): string | undefined {
  if (dir === '') return 'must not be empty';
  if (dir.startsWith('/')) return 'must not start with "/" (it is relative to the Storage Box root)';
  if (dir.length > 255) return 'must be at most 255 characters';
  if (!/^[A-Za-z0-9._\-/]+$/.test(dir)) return 'may only contain letters, digits, ".", "_", "-" and "/"';
  if (dir.split('/').some((seg) => seg === '..' || seg === '.')) return 'must not contain "." or ".." segments';
  if (dir.includes('//')) return 'must not contain empty segments ("//")';
  return undefined;
}

function homeDirectory(body: any): string {
  const dir = v.requiredString(body, 'home_directory');
  const problem = homeDirectoryProblem(dir);
  if (problem) throw invalidInput('home_directory', problem);
  return dir;
}

export function renderSubaccount(state: ApiState, a: StorageBoxSubaccountRecord) {
  const box = state.storage_boxes.find((b) => b.id === a.storage_box);
  return {
    id: a.id,
    name: a.name,
    username: a.username,
    home_directory: a.home_directory,
    server: box?.address ?? '',
    access_settings: { ...a.access_settings },
    description: a.description,
    labels: a.labels,
    created: a.created,
    storage_box: a.storage_box,
  };
}

function subaccountsOf(state: ApiState, box: StorageBoxRecord): StorageBoxSubaccountRecord[] {
  return state.storage_box_subaccounts.filter((a) => a.storage_box === box.id);
}

function findSubaccount(state: ApiState, box: StorageBoxRecord, raw: string): StorageBoxSubaccountRecord {
  const a = subaccountsOf(state, box).find((x) => String(x.id) === raw);
  if (!a) throw notFound('storage_box_subaccount', raw);
  return a;
}

export function registerStorageBoxSubaccounts(router: Router): void {
  const boxOf = (state: ApiState, raw: string) => recordById(state.storage_boxes, raw, 'storage_box');
  const one = (state: ApiState, a: StorageBoxSubaccountRecord) => ({ status: 200, body: { subaccount: renderSubaccount(state, a) } });

  router.get('/storage_boxes/{id}/subaccounts', (r) => {
    const s = r.store.state;
    let list = filterBySelector(subaccountsOf(s, boxOf(s, r.params.id)), r.query);
    list = filterByField(filterByField(list, r.query, 'name'), r.query, 'username');
    const rendered = sortItems(list.map((a) => renderSubaccount(s, a)), r.query, ['id', 'name', 'username', 'created']);
    return { status: 200, body: { subaccounts: rendered } };
  });

  router.get('/storage_boxes/{id}/subaccounts/{sub}', (r) => {
    const s = r.store.state;
    return one(s, findSubaccount(s, boxOf(s, r.params.id), r.params.sub));
  });

  router.post('/storage_boxes/{id}/subaccounts', (r) => {
    const s = r.store.state;
    const box = boxOf(s, r.params.id);
    const limit = findStorageBoxType(box.storage_box_type)!.subaccounts_limit;
    if (subaccountsOf(s, box).length >= limit) throw new ApiError('resource_limit_exceeded', `storage box ${box.id} already has ${limit} subaccounts (the limit of ${box.storage_box_type})`);
    const username = `${box.username}-sub${box.next_subaccount}`;
    const name = v.optionalString(r.body, 'name') ?? username;
    if (name !== username) v.resourceName(r.body);
    requireUniqueName(subaccountsOf(s, box), name, 'storage box subaccount');
    const description = v.optionalString(r.body, 'description') ?? '';
    if (description.length > 255) throw invalidInput('description', 'must be at most 255 characters');
    const sub: StorageBoxSubaccountRecord = {
      id: r.store.nextId('storage_box_subaccount'),
      storage_box: box.id,
      name,
      created: r.store.now(),
      username,
      home_directory: homeDirectory(r.body),
      description,
      labels: v.labels(r.body.labels),
      access_settings: accessSettings(r.body.access_settings, NO_ACCESS),
      password_hash: hashPassword(storageBoxPassword(r.body)),
    };
    box.next_subaccount += 1;
    s.storage_box_subaccounts.push(sub);
    const action = createAction(r.store, 'create_subaccount', [{ id: box.id, type: 'storage_box' }]);
    return { status: 201, body: { subaccount: { id: sub.id, storage_box: box.id }, action: renderAction(action) } };
  });

  router.put('/storage_boxes/{id}/subaccounts/{sub}', (r) => {
    const s = r.store.state;
    const box = boxOf(s, r.params.id);
    const sub = findSubaccount(s, box, r.params.sub);
    const name = v.optionalString(r.body, 'name');
    if (name !== undefined && name !== sub.name) {
      requireUniqueName(subaccountsOf(s, box), name, 'storage box subaccount', sub);
      sub.name = v.resourceName(r.body);
    }
    const description = v.optionalString(r.body, 'description');
    if (description !== undefined) sub.description = description;
    if (r.body.labels !== undefined) sub.labels = v.labels(r.body.labels);
    return one(s, sub);
  });

  router.delete('/storage_boxes/{id}/subaccounts/{sub}', (r) => {
    const s = r.store.state;
    const box = boxOf(s, r.params.id);
    const sub = findSubaccount(s, box, r.params.sub);
    s.storage_box_subaccounts = s.storage_box_subaccounts.filter((x) => x !== sub);
    return { status: 200, body: { action: renderAction(createAction(r.store, 'delete_subaccount', [{ id: box.id, type: 'storage_box' }])) } };
  });

  const subAction = (name: string, apply: (sub: StorageBoxSubaccountRecord, body: any, store: Store) => void) =>
    router.post(`/storage_boxes/{id}/subaccounts/{sub}/actions/${name}`, (r) => {
      const box = boxOf(r.store.state, r.params.id);
      const sub = findSubaccount(r.store.state, box, r.params.sub);
      apply(sub, r.body, r.store);
      return boxAction(r.store, box, name);
    });
  subAction('reset_subaccount_password', (sub, body) => {
    sub.password_hash = hashPassword(storageBoxPassword(body));
  });
  subAction('update_access_settings', (sub, body) => {
    sub.access_settings = accessSettings(body, sub.access_settings, 'access_settings');
  });
  subAction('change_home_directory', (sub, body) => {
    sub.home_directory = homeDirectory(body);
  });
}
