/**
 * Servers: list (name, status, label_selector, sort), get, create, update
 * (name, labels), delete. The actions (power, networks, type, rebuild, ...)
 * are in server-actions.ts.
 *
 * Behaviour as the API reference describes it: the name is a valid hostname
 * (RFC 1123, at most 63 characters); a server needs a public IP or a network,
 * unless it is created stopped (`start_after_create: false`);
 * without `public_net` it gets auto-deleting IPv4 and IPv6 primary IPs;
 * firewalls given at create need a public interface (`private_net_only_server`);
 * delete is refused while delete protection is on (`protected`); delete removes
 * auto-delete primary IPs, detaches volumes and drops the server from firewalls
 * applied to it directly. `datacenter` was removed from the API on 2026-07-01:
 * it is not answered, and a request that sends it is refused (`invalid_input`).
 *
 * Each change is one exported function (createServer, deleteServer, and the
 * actions in server-actions.ts), so that a layer which runs real machines can
 * hook into exactly these.
 *
 * Simplifications: state changes happen at request time (see actions.ts);
 * power-state transitions are instant.
 */
import { LIMITS } from '../../lib/hetzner';
import { createAction, registerResourceActions, renderAction } from '../actions';
import { ApiError, invalidInput } from '../errors';
import { filterByField, recordById } from '../pagination';
import { directFirewallsOfServer, firewallsOfServer, volumesOfServer } from '../relations';
import { registerResourceRoutes, requireUniqueName } from '../resource-routes';
import type { Router } from '../router';
import type { ActionRecord, ApiState, ServerRecord, Store } from '../state';
import * as v from '../validate';
import { findImage, findImageById, findLocation, findServerType, renderImage, renderLocation, renderServerType, requireLocation } from './catalog';
import { MAX_FIREWALLS_PER_SERVER, requirePublicInterface } from './firewalls';
import { checkPlacementRoom, renderPlacementGroup } from './placement-groups';
import { assignPrimaryIp, createPrimaryIp, refuseDatacenter, unassignPrimaryIp } from './primary-ips';
import { attachToNetwork, MAX_NETWORKS_PER_SERVER, registerServerActions } from './server-actions';
import { attachVolume } from './volumes';

export const MAX_USER_DATA_BYTES = LIMITS.userDataBytes;

export function renderServer(state: ApiState, s: ServerRecord) {
  const type = findServerType(s.server_type)!;
  const image = s.image === null ? undefined : findImageById(s.image);
  const ipv4 = state.primary_ips.find((p) => p.id === s.ipv4);
  const ipv6 = state.primary_ips.find((p) => p.id === s.ipv6);
  const group = state.placement_groups.find((g) => g.id === s.placement_group);
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    public_net: {
      ipv4: ipv4 ? { id: ipv4.id, ip: ipv4.ip, blocked: false, dns_ptr: ipv4.dns_ptr.find((d) => d.ip === ipv4.ip)?.dns_ptr ?? `static.${ipv4.ip.split('.').reverse().join('.')}.clients.your-server.de` } : null,
      ipv6: ipv6 ? { id: ipv6.id, ip: ipv6.ip, blocked: false, dns_ptr: ipv6.dns_ptr.map((d) => ({ ...d })) } : null,
      floating_ips: [],
      firewalls: firewallsOfServer(state, s).map((fw) => ({ id: fw.id, status: 'applied' })),
    },
    private_net: s.private_net.map((p) => ({ ...p, alias_ips: [...p.alias_ips] })),
    server_type: renderServerType(type),
    location: renderLocation(findLocation(s.location)!),
    image: image ? renderImage(image) : null,
    iso: s.iso ? { id: 1, name: s.iso, description: s.iso, type: 'public', deprecation: null, architecture: type.architecture } : null,
    rescue_enabled: s.rescue_enabled,
    locked: false,
    backup_window: s.backup_window,
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: 21990232555520,
    protection: { ...s.protection },
    labels: s.labels,
    volumes: volumesOfServer(state, s.id),
    load_balancers: [],
    primary_disk_size: type.disk,
    placement_group: group ? renderPlacementGroup(state, group) : null,
  };
}

/** ids or names -> SSH key ids (`ssh_keys` accepts both). */
function sshKeyIds(state: ApiState, raw: unknown): number[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidInput('ssh_keys', 'must be a list of ids or names');
  return raw.map((k, i) => {
    const key = state.ssh_keys.find((x) => x.id === k || x.name === k || String(x.id) === String(k));
    if (!key) throw invalidInput(`ssh_keys[${i}]`, `SSH key "${String(k)}" not found`);
    return key.id;
  });
}

/** Removes the server and everything that dies with it (auto-delete IPs, direct firewall entries, volume attachments). */
function dropServer(state: ApiState, s: ServerRecord): void {
  for (const p of state.primary_ips.filter((x) => x.assignee_id === s.id)) {
    unassignPrimaryIp(state, p);
    if (p.auto_delete) state.primary_ips = state.primary_ips.filter((x) => x !== p);
  }
  for (const vol of state.volumes) if (vol.server === s.id) vol.server = null;
  for (const fw of directFirewallsOfServer(state, s.id)) {
    fw.apply_to = fw.apply_to.filter((a) => !(a.type === 'server' && a.server.id === s.id));
  }
  state.servers = state.servers.filter((x) => x !== s);
}

/** `POST /servers`: checks the request, creates the server, and answers with its actions. */
export function createServer(store: Store, b: any) {
  const s = store.state;
  const name = v.serverName(b);
  requireUniqueName(s.servers, name, 'server');
  refuseDatacenter(b);
  const typeRaw = b.server_type;
  const type = typeRaw === undefined || typeRaw === null ? undefined : findServerType(typeRaw);
  if (!type) throw invalidInput('server_type', `server type "${String(typeRaw)}" not found`);
  const image = b.image === undefined || b.image === null ? undefined : findImage(b.image, type.architecture);
  if (!image) throw invalidInput('image', `image "${String(b.image)}" not found for architecture ${type.architecture}`);
  // Hetzner picks a location when none is given.
  const location = b.location === undefined || b.location === null ? 'fsn1' : requireLocation('location', String(b.location)).name;
  const userData = v.optionalString(b, 'user_data') ?? '';
  if (Buffer.byteLength(userData) > MAX_USER_DATA_BYTES) throw invalidInput('user_data', `is ${Buffer.byteLength(userData)} bytes; at most ${MAX_USER_DATA_BYTES} are allowed`);
  const labels = v.labels(b.labels);
  const sshKeys = sshKeyIds(s, b.ssh_keys);
  const networks: unknown[] = Array.isArray(b.networks) ? b.networks : [];
  for (const [i, n] of networks.entries()) {
    if (!s.networks.some((x) => x.id === n)) throw invalidInput(`networks[${i}]`, `network ${String(n)} not found`);
  }
  if (networks.length > MAX_NETWORKS_PER_SERVER) throw invalidInput('networks', `at most ${MAX_NETWORKS_PER_SERVER} networks per server`);
  const firewallIds: number[] = (Array.isArray(b.firewalls) ? b.firewalls : []).map((f: any, i: number) => {
    const fw = s.firewalls.find((x) => x.id === f?.firewall);
    if (!fw) throw invalidInput(`firewalls[${i}].firewall`, `firewall ${String(f?.firewall)} not found`);
    return fw.id;
  });
  const pn = b.public_net ?? {};
  const enableIpv4 = pn.enable_ipv4 ?? true;
  const enableIpv6 = pn.enable_ipv6 ?? true;
  const ipv4 = pn.ipv4 ? recordById(s.primary_ips, pn.ipv4, 'primary_ip') : undefined;
  const ipv6 = pn.ipv6 ? recordById(s.primary_ips, pn.ipv6, 'primary_ip') : undefined;
  for (const [p, want] of [[ipv4, 'ipv4'], [ipv6, 'ipv6']] as const) {
    if (!p) continue;
    if (p.type !== want) throw new ApiError('primary_ip_version_mismatch', `primary IP ${p.id} is ${p.type}, not ${want}`);
    if (p.assignee_id !== null) throw new ApiError('primary_ip_assigned', `primary IP ${p.id} is already assigned to server ${p.assignee_id}`);
    if (p.location !== location) throw new ApiError('primary_ip_datacenter_mismatch', `primary IP ${p.id} is in ${p.location}, not ${location}`);
  }
  const hasPublic = enableIpv4 || enableIpv6 || ipv4 !== undefined || ipv6 !== undefined;
  // A server with neither can only be created stopped (then attached to a network and
  // powered on): what the hcloud provider does for a private-only server (hcloud-go #205).
  if (!hasPublic && networks.length === 0 && b.start_after_create !== false) {
    throw invalidInput('networks', 'a server without public IPs must be attached to at least one network (or created with start_after_create: false)');
  }
  const placementGroup = b.placement_group ? recordById(s.placement_groups, b.placement_group, 'placement_group') : undefined;
  if (placementGroup) checkPlacementRoom(s, placementGroup.id);
  const volumes = (Array.isArray(b.volumes) ? b.volumes : []).map((id: number) => recordById(s.volumes, id, 'volume'));

  const server: ServerRecord = {
    id: store.nextId('server'),
    name,
    status: b.start_after_create === false ? 'off' : 'running',
    created: store.now(),
    server_type: type.name,
    image: image.id,
    location,
    labels,
    protection: { delete: false, rebuild: false },
    ipv4: null,
    ipv6: null,
    private_net: [],
    placement_group: placementGroup?.id ?? null,
    backup_window: null,
    rescue_enabled: false,
    iso: null,
    user_data: userData,
    ssh_keys: sshKeys,
  };
  // Every check that can fail without side effects is done; now build the server.
  // (A request that fails later is rolled back as a whole by the HTTP layer.)
  s.servers.push(server);
  for (const n of networks) attachToNetwork(s, server, n);
  for (const vol of volumes) attachVolume(s, vol, server);
  // Hetzner creates the missing primary IPs itself, named primary_ip-<id>, deleted with the server.
  const autoIp = (family: 'ipv4' | 'ipv6') => {
    const p = createPrimaryIp(store, { name: '', type: family, location, assignee_id: null, auto_delete: true, labels: {} });
    p.name = `primary_ip-${p.id}`;
    return p;
  };
  if (ipv4) assignPrimaryIp(s, ipv4, server, false);
  else if (enableIpv4) assignPrimaryIp(s, autoIp('ipv4'), server, false);
  if (ipv6) assignPrimaryIp(s, ipv6, server, false);
  else if (enableIpv6) assignPrimaryIp(s, autoIp('ipv6'), server, false);
  for (const [i, id] of firewallIds.entries()) {
    requirePublicInterface(server, `firewalls[${i}]`);
    const fw = s.firewalls.find((x) => x.id === id)!;
    if (!fw.apply_to.some((a) => a.type === 'server' && a.server.id === server.id)) fw.apply_to.push({ type: 'server', server: { id: server.id } });
  }
  if (firewallsOfServer(s, server).length > MAX_FIREWALLS_PER_SERVER) {
    throw new ApiError('resource_limit_exceeded', `a server can have at most ${MAX_FIREWALLS_PER_SERVER} firewalls`);
  }

  const action = createAction(store, 'create_server', [{ id: server.id, type: 'server' }]);
  const next = [];
  if (server.status === 'running') next.push(renderAction(createAction(store, 'start_server', [{ id: server.id, type: 'server' }])));
  for (const n of server.private_net) next.push(renderAction(createAction(store, 'attach_to_network', [{ id: server.id, type: 'server' }, { id: n.network, type: 'network' }])));
  for (const id of firewallIds) next.push(renderAction(createAction(store, 'apply_firewall', [{ id, type: 'firewall' }, { id: server.id, type: 'server' }])));
  return {
    status: 201,
    body: { server: renderServer(s, server), action: renderAction(action), next_actions: next, root_password: sshKeys.length ? null : 'local-api-root-password' },
  };
}

/** `DELETE /servers/{id}` after the protection check: removes the server and what dies with it. */
export function deleteServer(store: Store, server: ServerRecord): ActionRecord {
  const action = createAction(store, 'delete_server', [{ id: server.id, type: 'server' }]);
  dropServer(store.state, server);
  return action;
}

export function registerServers(router: Router): void {
  registerResourceActions(router, 'servers', 'server');
  registerResourceRoutes(router, {
    collection: 'servers',
    kind: 'server',
    records: (s) => s.servers,
    render: renderServer,
    validateName: (body) => v.serverName(body),
    filters: (q) => [(ss) => filterByField(ss, q, 'status')],
    remove: deleteServer,
  });
  router.post('/servers', (r) => createServer(r.store, r.body));
  registerServerActions(router);
}
