/**
 * Primary IPs: list (name, ip, label_selector), get, create, update, delete,
 * and the actions assign, unassign, change_dns_ptr, change_protection. A server
 * created with public_net enabled and no given IP gets an auto-deleting
 * primary IP (createPrimaryIp below), as on Hetzner.
 *
 * As the API changelog has it: `datacenter` was removed on 2026-07-01 (not
 * answered; refused on input, use `location`); an assigned primary IP cannot
 * be deleted since 2026-05-01 (`must_be_unassigned`; unassign it first).
 *
 * Addresses: IPv4 from 100.64.0.0/10 (shared address space, never routed to
 * the internet), IPv6 /64 networks from 2001:db8::/32 (documentation prefix).
 */
import { actionBody, createAction, registerResourceActions } from '../actions';
import { ApiError, invalidInput } from '../errors';
import { filterByField, recordById } from '../pagination';
import { registerResourceRoutes, requireUniqueName } from '../resource-routes';
import type { Router } from '../router';
import type { ApiState, PrimaryIpRecord, ServerRecord, Store, StoreOptions } from '../state';
import * as v from '../validate';
import { findLocation, renderLocation, requireLocation } from './catalog';

const IPV4_POOL_BASE = v.ipv4ToInt('100.64.0.0')!;

export function nextPublicAddress(state: ApiState, type: 'ipv4' | 'ipv6', pool?: StoreOptions['publicAddress']): string {
  const n = state.next_public_ip++;
  if (pool) return pool(type, n);
  return type === 'ipv4' ? v.intToIpv4(IPV4_POOL_BASE + n) : `2001:db8:${(n >> 16).toString(16)}:${(n & 0xffff).toString(16)}::/64`;
}

export function renderPrimaryIp(state: ApiState, p: PrimaryIpRecord) {
  const loc = findLocation(p.location)!;
  return {
    id: p.id,
    name: p.name,
    ip: p.ip,
    type: p.type,
    labels: p.labels,
    protection: { ...p.protection },
    dns_ptr: p.dns_ptr.map((d) => ({ ...d })),
    assignee_id: p.assignee_id,
    assignee_type: 'server',
    auto_delete: p.auto_delete,
    blocked: false,
    created: p.created,
    location: renderLocation(loc),
  };
}

/** `datacenter` was removed from servers and primary IPs on 2026-07-01: refuse a request that still sends it. */
export function refuseDatacenter(body: any): void {
  if (body?.datacenter !== undefined && body?.datacenter !== null) {
    throw invalidInput('datacenter', 'was removed from the API on 2026-07-01; use location (the part of the datacenter name before "-")');
  }
}

export function createPrimaryIp(store: Store, init: { name: string; type: 'ipv4' | 'ipv6'; location: string; assignee_id: number | null; auto_delete: boolean; labels: Record<string, string> }): PrimaryIpRecord {
  const p: PrimaryIpRecord = {
    id: store.nextId('primary_ip'),
    ...init,
    created: store.now(),
    ip: nextPublicAddress(store.state, init.type, store.options.publicAddress),
    protection: { delete: false },
    dns_ptr: [],
  };
  store.state.primary_ips.push(p);
  return p;
}

/** Puts the IP on the server (checks: server off, family free, same location). */
export function assignPrimaryIp(state: ApiState, p: PrimaryIpRecord, server: ServerRecord, requireOff = true): void {
  if (p.assignee_id !== null && p.assignee_id !== server.id) throw new ApiError('primary_ip_assigned', `primary IP ${p.id} is already assigned to server ${p.assignee_id}`);
  if (p.location !== server.location) throw new ApiError('primary_ip_datacenter_mismatch', `primary IP ${p.id} is in ${p.location}, server ${server.id} in ${server.location}`);
  if (requireOff && server.status !== 'off') throw new ApiError('server_not_stopped', `server ${server.id} must be off to change its primary IPs`);
  const current = p.type === 'ipv4' ? server.ipv4 : server.ipv6;
  if (current !== null && current !== p.id) throw new ApiError(p.type === 'ipv4' ? 'server_has_ipv4' : 'server_has_ipv6', `server ${server.id} already has an ${p.type} primary IP`);
  p.assignee_id = server.id;
  if (p.type === 'ipv4') server.ipv4 = p.id;
  else server.ipv6 = p.id;
}

export function unassignPrimaryIp(state: ApiState, p: PrimaryIpRecord): void {
  const server = state.servers.find((s) => s.id === p.assignee_id);
  if (server) {
    if (server.ipv4 === p.id) server.ipv4 = null;
    if (server.ipv6 === p.id) server.ipv6 = null;
  }
  p.assignee_id = null;
}

function ipAction(store: Store, p: PrimaryIpRecord, command: string, extra: { id: number; type: string }[] = []) {
  return actionBody(createAction(store, command, [{ id: p.id, type: 'primary_ip' }, ...extra]));
}

export function registerPrimaryIps(router: Router): void {
  registerResourceActions(router, 'primary_ips', 'primary_ip');

  registerResourceRoutes(router, {
    collection: 'primary_ips',
    kind: 'primary_ip',
    noun: 'primary IP',
    records: (s) => s.primary_ips,
    render: renderPrimaryIp,
    filters: (q) => [(ps) => filterByField(ps, q, 'ip')],
    update: (p, body) => {
      const autoDelete = v.optionalBool(body, 'auto_delete');
      if (autoDelete !== undefined) p.auto_delete = autoDelete;
    },
    remove: (_store, p) => {
      if (p.assignee_id !== null) throw new ApiError('must_be_unassigned', `primary IP ${p.id} is assigned to server ${p.assignee_id}; unassign it first`);
    },
  });

  router.post('/primary_ips', (r) => {
    const s = r.store.state;
    const name = v.resourceName(r.body);
    requireUniqueName(s.primary_ips, name, 'primary IP');
    refuseDatacenter(r.body);
    const type = v.requiredString(r.body, 'type');
    if (type !== 'ipv4' && type !== 'ipv6') throw invalidInput('type', `"${type}" is not allowed; allowed: ipv4, ipv6`);
    const assigneeType = v.optionalString(r.body, 'assignee_type') ?? 'server';
    if (assigneeType !== 'server') throw invalidInput('assignee_type', 'allowed: server');
    const assigneeId = v.optionalInt(r.body, 'assignee_id');
    const server = assigneeId !== undefined ? recordById(s.servers, assigneeId, 'server') : undefined;
    let location = v.optionalString(r.body, 'location');
    if (!location && server) location = server.location;
    if (!location) throw invalidInput('location', 'is required unless assignee_id is given');
    requireLocation('location', location);
    if (server && server.location !== location) throw new ApiError('primary_ip_datacenter_mismatch', `server ${server.id} is in ${server.location}`);
    if (server) {
      // Check before creating, so a refused assignment leaves nothing behind.
      if (server.status !== 'off') throw new ApiError('server_not_stopped', `server ${server.id} must be off to change its primary IPs`);
      if ((type === 'ipv4' ? server.ipv4 : server.ipv6) !== null) throw new ApiError(type === 'ipv4' ? 'server_has_ipv4' : 'server_has_ipv6', `server ${server.id} already has an ${type} primary IP`);
    }
    const p = createPrimaryIp(r.store, {
      name,
      type,
      location: findLocation(location)!.name,
      assignee_id: null,
      auto_delete: v.optionalBool(r.body, 'auto_delete') ?? false,
      labels: v.labels(r.body.labels),
    });
    let action = null;
    if (server) {
      assignPrimaryIp(s, p, server);
      action = createAction(r.store, 'assign_primary_ip', [{ id: p.id, type: 'primary_ip' }, { id: server.id, type: 'server' }]);
    }
    return { status: 201, body: { primary_ip: renderPrimaryIp(s, p), action: action && actionBody(action).body.action } };
  });

  router.post('/primary_ips/{id}/actions/assign', (r) => {
    const s = r.store.state;
    const p = recordById(s.primary_ips, r.params.id, 'primary_ip');
    const server = recordById(s.servers, v.requiredInt(r.body, 'assignee_id'), 'server');
    assignPrimaryIp(s, p, server);
    return ipAction(r.store, p, 'assign_primary_ip', [{ id: server.id, type: 'server' }]);
  });

  router.post('/primary_ips/{id}/actions/unassign', (r) => {
    const s = r.store.state;
    const p = recordById(s.primary_ips, r.params.id, 'primary_ip');
    const server = s.servers.find((x) => x.id === p.assignee_id);
    if (server && server.status !== 'off') throw new ApiError('server_not_stopped', `server ${server.id} must be off to unassign its primary IP`);
    unassignPrimaryIp(s, p);
    return ipAction(r.store, p, 'unassign_primary_ip');
  });

  router.post('/primary_ips/{id}/actions/change_dns_ptr', (r) => {
    const p = recordById(r.store.state.primary_ips, r.params.id, 'primary_ip');
    const ip = v.requiredString(r.body, 'ip');
    const ptr = r.body.dns_ptr;
    p.dns_ptr = p.dns_ptr.filter((d) => d.ip !== ip);
    if (typeof ptr === 'string' && ptr !== '') p.dns_ptr.push({ ip, dns_ptr: ptr });
    return ipAction(r.store, p, 'change_dns_ptr');
  });

  router.post('/primary_ips/{id}/actions/change_protection', (r) => {
    const p = recordById(r.store.state.primary_ips, r.params.id, 'primary_ip');
    const del = v.optionalBool(r.body, 'delete');
    if (del !== undefined) p.protection.delete = del;
    return ipAction(r.store, p, 'change_protection');
  });
}
