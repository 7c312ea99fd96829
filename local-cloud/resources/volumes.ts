/**
 * Volumes: list (name, status, label_selector), get, create (in a location or
 * attached to a server), update, delete, and the actions attach, detach,
 * resize, change_protection. Size 10-10240 GB; a volume attaches only to a
 * server in its own location; at most 16 volumes per server.
 *
 * Simplification: deleting an attached volume is refused with
 * `resource_in_use` (Hetzner asks for a detach first; the exact code is not
 * documented).
 */
import { actionBody, createAction, registerResourceActions, renderAction } from '../actions';
import { ApiError, invalidInput } from '../errors';
import { recordById } from '../pagination';
import { volumesOfServer } from '../relations';
import { registerResourceRoutes, requireUniqueName } from '../resource-routes';
import type { Router } from '../router';
import type { ApiState, ServerRecord, Store, VolumeRecord } from '../state';
import * as v from '../validate';
import { findLocation, renderLocation, requireLocation } from './catalog';

export const MIN_SIZE_GB = 10;
export const MAX_SIZE_GB = 10240;
export const MAX_VOLUMES_PER_SERVER = 16;

export function renderVolume(_state: ApiState, vol: VolumeRecord) {
  return {
    id: vol.id,
    name: vol.name,
    created: vol.created,
    server: vol.server,
    status: 'available',
    location: renderLocation(findLocation(vol.location)!),
    size: vol.size,
    format: vol.format,
    protection: { ...vol.protection },
    labels: vol.labels,
    linux_device: `/dev/disk/by-id/scsi-0HC_Volume_${vol.id}`,
  };
}

/** Attaches (checks: location, already attached, per-server limit). */
export function attachVolume(state: ApiState, vol: VolumeRecord, server: ServerRecord): void {
  if (vol.server !== null) {
    if (vol.server === server.id) throw new ApiError('volume_already_attached', `volume ${vol.id} is already attached to server ${server.id}`);
    throw new ApiError('volume_already_attached', `volume ${vol.id} is attached to server ${vol.server}; detach it first`);
  }
  if (vol.location !== server.location) throw invalidInput('server', `volume ${vol.id} is in ${vol.location}, server ${server.id} in ${server.location}`);
  if (volumesOfServer(state, server.id).length >= MAX_VOLUMES_PER_SERVER) {
    throw new ApiError('resource_limit_exceeded', `server ${server.id} already has ${MAX_VOLUMES_PER_SERVER} volumes`);
  }
  vol.server = server.id;
}

function sizeOf(body: any): number {
  const size = v.requiredInt(body, 'size');
  if (size < MIN_SIZE_GB || size > MAX_SIZE_GB) throw invalidInput('size', `${size} is out of range; allowed: ${MIN_SIZE_GB}..${MAX_SIZE_GB} GB`);
  return size;
}

function volumeAction(store: Store, vol: VolumeRecord, command: string, server?: number) {
  const resources = [{ id: vol.id, type: 'volume' }];
  if (server !== undefined) resources.push({ id: server, type: 'server' });
  return actionBody(createAction(store, command, resources));
}

export function registerVolumes(router: Router): void {
  registerResourceActions(router, 'volumes', 'volume');

  registerResourceRoutes(router, {
    collection: 'volumes',
    kind: 'volume',
    records: (s) => s.volumes,
    render: renderVolume,
    filters: (q) => [(vs) => (q.getAll('status').length && !q.getAll('status').includes('available') ? [] : vs)],
    remove: (_store, vol) => {
      if (vol.server !== null) throw new ApiError('resource_in_use', `volume ${vol.id} is attached to server ${vol.server}; detach it first`);
    },
  });

  router.post('/volumes', (r) => {
    const s = r.store.state;
    const name = v.resourceName(r.body);
    requireUniqueName(s.volumes, name, 'volume');
    const size = sizeOf(r.body);
    const format = v.optionalString(r.body, 'format') ?? null;
    if (format !== null && format !== 'ext4' && format !== 'xfs') throw invalidInput('format', `"${format}" is not allowed; allowed: ext4, xfs`);
    const serverId = v.optionalInt(r.body, 'server');
    const server = serverId !== undefined ? recordById(s.servers, serverId, 'server') : undefined;
    const locRaw = r.body.location;
    if (server && locRaw !== undefined && locRaw !== null) throw invalidInput('location', 'give either location or server, not both');
    const location = server ? server.location : locRaw === undefined || locRaw === null ? undefined : requireLocation('location', String(locRaw)).name;
    if (!location) throw invalidInput('location', 'is required unless server is given');
    const automount = v.optionalBool(r.body, 'automount') ?? false;
    if (automount && !server) throw invalidInput('automount', 'needs a server');
    const vol: VolumeRecord = {
      id: r.store.nextId('volume'),
      name,
      created: r.store.now(),
      size,
      location,
      server: null,
      format,
      labels: v.labels(r.body.labels),
      protection: { delete: false },
    };
    if (server) attachVolume(s, vol, server);
    s.volumes.push(vol);
    const action = createAction(r.store, 'create_volume', [{ id: vol.id, type: 'volume' }]);
    const next = server ? [renderAction(createAction(r.store, 'attach_volume', [{ id: vol.id, type: 'volume' }, { id: server.id, type: 'server' }]))] : [];
    return { status: 201, body: { volume: renderVolume(s, vol), action: renderAction(action), next_actions: next } };
  });

  router.post('/volumes/{id}/actions/attach', (r) => {
    const s = r.store.state;
    const vol = recordById(s.volumes, r.params.id, 'volume');
    const server = recordById(s.servers, v.requiredInt(r.body, 'server'), 'server');
    attachVolume(s, vol, server);
    return volumeAction(r.store, vol, 'attach_volume', server.id);
  });

  router.post('/volumes/{id}/actions/detach', (r) => {
    const vol = recordById(r.store.state.volumes, r.params.id, 'volume');
    const server = vol.server;
    if (server === null) throw invalidInput('server', `volume ${vol.id} is not attached`);
    vol.server = null;
    return volumeAction(r.store, vol, 'detach_volume', server);
  });

  router.post('/volumes/{id}/actions/resize', (r) => {
    const vol = recordById(r.store.state.volumes, r.params.id, 'volume');
    const size = sizeOf(r.body);
    if (size < vol.size) throw invalidInput('size', `volumes can only grow; ${vol.size} -> ${size}`);
    vol.size = size;
    return volumeAction(r.store, vol, 'resize_volume');
  });

  router.post('/volumes/{id}/actions/change_protection', (r) => {
    const vol = recordById(r.store.state.volumes, r.params.id, 'volume');
    const del = v.optionalBool(r.body, 'delete');
    if (del !== undefined) vol.protection.delete = del;
    return volumeAction(r.store, vol, 'change_protection');
  });
}
