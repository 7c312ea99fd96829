/**
 * Storage Boxes (Hetzner API, `api.hetzner.com/v1`; the provider reaches it
 * through HETZNER_ENDPOINT, which the local cloud serves at the same URL as
 * the Cloud API): list (name, label_selector, sort, pages), get, create,
 * update (name, labels), delete, and the actions change_protection,
 * change_type, reset_password, update_access_settings, enable_snapshot_plan,
 * disable_snapshot_plan. Subaccounts: storage-box-subaccounts.ts.
 *
 * A box's main account is `u<id>`; its password must follow Hetzner's policy
 * (storage-box-password.ts) and is kept only as a crypt hash, for the box's
 * real SFTP server when the local cloud runs machines (machines/storage-box.ts).
 *
 * Simplifications: nothing answers DNS here, so `server` is the box's address
 * (Hetzner: `u<id>.your-storagebox.de`); the box is `active` at once; stats
 * are zero; snapshots, rollback_snapshot and `folders` are not implemented
 * (404 / invalid_input); samba, webdav, zfs and reachable_externally are
 * recorded, not enforced.
 */
import { actionBody, createAction, registerResourceActions, renderAction } from '../actions';
import { ApiError, invalidInput } from '../errors';
import { recordById } from '../pagination';
import { registerResourceRoutes, requireUniqueName } from '../resource-routes';
import type { Router } from '../router';
import type { ApiState, StorageBoxAccessRecord, StorageBoxRecord, Store } from '../state';
import * as v from '../validate';
import { findLocation, findStorageBoxType, renderLocation, renderStorageBoxType, requireLocation, STORAGE_BOX_TYPES } from './catalog';
import { nextPublicAddress } from './primary-ips';
import { hashPassword, storageBoxPassword } from './storage-box-password';

export function renderStorageBox(_state: ApiState, b: StorageBoxRecord) {
  return {
    id: b.id,
    username: b.username,
    status: 'active',
    name: b.name,
    storage_box_type: renderStorageBoxType(findStorageBoxType(b.storage_box_type)!),
    location: renderLocation(findLocation(b.location)!),
    access_settings: { ...b.access_settings },
    server: b.address,
    system: `${b.location.toUpperCase()}-BX${b.id % 1000}`,
    stats: { size: 0, size_data: 0, size_snapshots: 0 },
    labels: b.labels,
    protection: { ...b.protection },
    snapshot_plan: b.snapshot_plan && { ...b.snapshot_plan },
    created: b.created,
  };
}

/** Access settings from a body: the given fields over `base`. */
export function accessSettings<T extends object>(raw: unknown, base: T, field = 'access_settings'): T {
  if (raw === undefined || raw === null) return { ...base };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidInput(field, 'must be an object of booleans');
  const out: any = { ...base };
  for (const [k, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(k in base)) throw invalidInput(`${field}.${k}`, `unknown setting; allowed: ${Object.keys(base).join(', ')}`);
    if (typeof value !== 'boolean') throw invalidInput(`${field}.${k}`, 'must be a boolean');
    out[k] = value;
  }
  return out;
}

const NO_ACCESS: StorageBoxAccessRecord = { reachable_externally: false, samba_enabled: false, ssh_enabled: false, webdav_enabled: false, zfs_enabled: false };

export interface NewStorageBox {
  /** A fixed id (the local cloud's `up` gives the platform file's box the id the file names). @default - the next id */
  readonly id?: number;
  readonly name: string;
  readonly storageBoxType: string;
  readonly location: string;
  readonly password: string;
  /** Where its SFTP server answers. @default - the next public address */
  readonly address?: string;
  readonly accessSettings?: Partial<StorageBoxAccessRecord>;
  readonly labels?: Record<string, string>;
  readonly sshKeys?: readonly string[];
}

/** Creates a box record (validated as POST /storage_boxes validates it); returns it and its create action. */
export function createStorageBox(store: Store, input: NewStorageBox): StorageBoxRecord {
  const s = store.state;
  requireUniqueName(s.storage_boxes, input.name, 'storage box');
  const type = findStorageBoxType(input.storageBoxType);
  if (!type) throw invalidInput('storage_box_type', `unknown type "${input.storageBoxType}"; allowed: ${STORAGE_BOX_TYPES.map((t) => t.name).join(', ')}`);
  const location = requireLocation('location', input.location).name;
  storageBoxPassword({ password: input.password });
  if (input.id !== undefined && s.storage_boxes.some((b) => b.id === input.id)) throw new ApiError('uniqueness_error', `storage box ${input.id} already exists`);
  const id = input.id ?? store.nextId('storage_box');
  const box: StorageBoxRecord = {
    id,
    name: input.name,
    created: store.now(),
    username: `u${id}`,
    storage_box_type: type.name,
    location,
    labels: v.labels(input.labels ?? {}),
    protection: { delete: false },
    access_settings: accessSettings(input.accessSettings, NO_ACCESS),
    snapshot_plan: null,
    password_hash: hashPassword(input.password),
    ssh_keys: [...(input.sshKeys ?? [])],
    address: input.address ?? nextPublicAddress(s, 'ipv4', store.options.publicAddress),
    next_subaccount: 1,
  };
  s.storage_boxes.push(box);
  return box;
}

export function boxAction(store: Store, box: StorageBoxRecord, command: string) {
  return actionBody(createAction(store, command, [{ id: box.id, type: 'storage_box' }]));
}

function snapshotPlan(body: any): NonNullable<StorageBoxRecord['snapshot_plan']> {
  const int = (field: string, lo: number, hi: number, optional = false): number | null => {
    const n = optional ? v.optionalInt(body, field) : v.requiredInt(body, field);
    if (n === undefined || n === null) return null;
    if (n < lo || n > hi) throw invalidInput(field, `${n} is out of range; allowed: ${lo}..${hi}`);
    return n;
  };
  return {
    max_snapshots: int('max_snapshots', 1, 100)!,
    minute: int('minute', 0, 59)!,
    hour: int('hour', 0, 23)!,
    day_of_week: int('day_of_week', 1, 7, true),
    day_of_month: int('day_of_month', 1, 31, true),
  };
}

export function registerStorageBoxes(router: Router): void {
  registerResourceActions(router, 'storage_boxes', 'storage_box');

  registerResourceRoutes(router, {
    collection: 'storage_boxes',
    kind: 'storage_box',
    noun: 'storage box',
    records: (s) => s.storage_boxes,
    render: renderStorageBox,
    remove: (store, box) => {
      store.state.storage_box_subaccounts = store.state.storage_box_subaccounts.filter((a) => a.storage_box !== box.id);
      return createAction(store, 'delete_storage_box', [{ id: box.id, type: 'storage_box' }]);
    },
  });

  router.post('/storage_boxes', (r) => {
    const b = r.body;
    const keys = b.ssh_keys;
    if (keys !== undefined && (!Array.isArray(keys) || keys.some((k: unknown) => typeof k !== 'string' || !/^(ssh-|ecdsa-)/.test(k)))) {
      throw invalidInput('ssh_keys', 'must be a list of public keys in OpenSSH format');
    }
    const box = createStorageBox(r.store, {
      name: v.resourceName(b),
      storageBoxType: v.requiredString(b, 'storage_box_type'),
      location: v.requiredString(b, 'location'),
      password: storageBoxPassword(b),
      accessSettings: accessSettings(b.access_settings, NO_ACCESS),
      labels: v.labels(b.labels),
      sshKeys: keys,
    });
    const action = createAction(r.store, 'create', [{ id: box.id, type: 'storage_box' }]);
    return { status: 201, body: { storage_box: renderStorageBox(r.store.state, box), action: renderAction(action) } };
  });

  const boxOf = (state: ApiState, raw: string) => recordById(state.storage_boxes, raw, 'storage_box');

  router.post('/storage_boxes/{id}/actions/change_protection', (r) => {
    const box = boxOf(r.store.state, r.params.id);
    const del = v.optionalBool(r.body, 'delete');
    if (del !== undefined) box.protection.delete = del;
    return boxAction(r.store, box, 'change_protection');
  });
  router.post('/storage_boxes/{id}/actions/change_type', (r) => {
    const box = boxOf(r.store.state, r.params.id);
    const raw = r.body.storage_box_type;
    const type = findStorageBoxType(typeof raw === 'object' && raw ? raw.name ?? raw.id : raw);
    if (!type) throw invalidInput('storage_box_type', `unknown type; allowed: ${STORAGE_BOX_TYPES.map((t) => t.name).join(', ')}`);
    box.storage_box_type = type.name;
    return boxAction(r.store, box, 'change_type');
  });
  router.post('/storage_boxes/{id}/actions/reset_password', (r) => {
    const box = boxOf(r.store.state, r.params.id);
    box.password_hash = hashPassword(storageBoxPassword(r.body));
    return boxAction(r.store, box, 'reset_password');
  });
  router.post('/storage_boxes/{id}/actions/update_access_settings', (r) => {
    const box = boxOf(r.store.state, r.params.id);
    box.access_settings = accessSettings(r.body, box.access_settings, 'access_settings');
    return boxAction(r.store, box, 'update_access_settings');
  });
  router.post('/storage_boxes/{id}/actions/enable_snapshot_plan', (r) => {
    const box = boxOf(r.store.state, r.params.id);
    box.snapshot_plan = snapshotPlan(r.body);
    return boxAction(r.store, box, 'enable_snapshot_plan');
  });
  router.post('/storage_boxes/{id}/actions/disable_snapshot_plan', (r) => {
    const box = boxOf(r.store.state, r.params.id);
    box.snapshot_plan = null;
    return boxAction(r.store, box, 'disable_snapshot_plan');
  });
  router.post('/storage_boxes/{id}/actions/rollback_snapshot', () => {
    throw invalidInput('snapshot', 'Storage Box snapshots are not supported by the local API');
  });
}
