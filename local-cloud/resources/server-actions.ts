/**
 * Server actions: poweron, poweroff, shutdown, reboot, reset,
 * change_protection, attach_to_network, detach_from_network,
 * change_alias_ips, change_type, rebuild, enable_backup, disable_backup,
 * add_to_placement_group, remove_from_placement_group, enable_rescue,
 * disable_rescue, attach_iso, detach_iso, change_dns_ptr, reset_password,
 * request_console.
 *
 * As the API reference describes them: change_type needs the server off
 * (`server_not_stopped`) and starts it again; rebuild is refused under rebuild
 * protection; a network holds at most 100 servers and a server sits in at most
 * 3 networks (`resource_limit_exceeded`; Hetzner does not document the code of
 * the network limit, this is its code for limits).
 */
import { LIMITS } from '../../lib/hetzner';
import { actionBody, createAction, renderAction } from '../actions';
import { ApiError, invalidInput, protectedError } from '../errors';
import { recordById } from '../pagination';
import { serversInNetwork } from '../relations';
import type { Router } from '../router';
import type { ApiState, ServerRecord, Store } from '../state';
import * as v from '../validate';
import { findImage, findLocation, findServerType } from './catalog';
import { allocatePrivateIp, macAddress } from './networks';
import { checkPlacementRoom } from './placement-groups';

export const MAX_NETWORKS_PER_SERVER = 3;
/** Hetzner's limit, kept once in lib/hetzner.ts (the tenant rules check it too). */
export const MAX_SERVERS_PER_NETWORK = LIMITS.serversPerNetwork;

function serverAction(store: Store, s: ServerRecord, command: string, extra: { id: number; type: string }[] = []) {
  return actionBody(createAction(store, command, [{ id: s.id, type: 'server' }, ...extra]));
}

/** Puts the server into a network (checks: network exists, not attached yet, both limits, a free address). Returns the network id. */
export function attachToNetwork(state: ApiState, s: ServerRecord, networkId: unknown, ip?: string, aliasIps: string[] = [], ipRange?: string): number {
  if (typeof networkId !== 'number') throw invalidInput('network', 'is required and must be a network id');
  const network = state.networks.find((n) => n.id === networkId);
  if (!network) throw invalidInput('network', `network ${networkId} not found`);
  if (s.private_net.some((p) => p.network === network.id)) throw new ApiError('server_already_attached', `server ${s.id} is already attached to network ${network.id}`);
  if (s.private_net.length >= MAX_NETWORKS_PER_SERVER) throw new ApiError('resource_limit_exceeded', `server ${s.id} is already in ${MAX_NETWORKS_PER_SERVER} networks`);
  if (serversInNetwork(state, network.id).length >= MAX_SERVERS_PER_NETWORK) {
    throw new ApiError('resource_limit_exceeded', `network ${network.id} already holds ${MAX_SERVERS_PER_NETWORK} servers`, { limits: [{ name: 'servers_per_network' }] });
  }
  const zone = findLocation(s.location)!.network_zone;
  const addr = allocatePrivateIp(state, network, zone, ip, ipRange);
  const entry = { network: network.id, ip: addr, alias_ips: [] as string[], mac_address: macAddress(s.id, network.id) };
  s.private_net.push(entry);
  for (const alias of aliasIps) {
    try {
      entry.alias_ips.push(allocatePrivateIp(state, network, zone, alias));
    } catch (e) {
      s.private_net.pop();
      throw e;
    }
  }
  return network.id;
}

/** The power actions: the command each records and the status it leaves the server in. */
export const POWER_ACTIONS = {
  poweron: { command: 'start_server', status: 'running' },
  poweroff: { command: 'stop_server', status: 'off' },
  shutdown: { command: 'shutdown_server', status: 'off' },
  reboot: { command: 'reboot_server', status: 'running' },
  reset: { command: 'reset_server', status: 'running' },
} as const satisfies Record<string, { command: string; status: ServerRecord['status'] }>;

export type PowerAction = keyof typeof POWER_ACTIONS;

/** `POST /servers/{id}/actions/<poweron|poweroff|shutdown|reboot|reset>`. */
export function powerAction(store: Store, server: ServerRecord, action: PowerAction) {
  const { command, status } = POWER_ACTIONS[action];
  server.status = status;
  return serverAction(store, server, command);
}

export function registerServerActions(router: Router): void {
  for (const action of Object.keys(POWER_ACTIONS) as PowerAction[]) {
    router.post(`/servers/{id}/actions/${action}`, (r) => powerAction(r.store, recordById(r.store.state.servers, r.params.id, 'server'), action));
  }


  router.post('/servers/{id}/actions/change_protection', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    const del = v.optionalBool(r.body, 'delete');
    const rebuild = v.optionalBool(r.body, 'rebuild');
    if (del !== undefined) server.protection.delete = del;
    if (rebuild !== undefined) server.protection.rebuild = rebuild;
    return serverAction(r.store, server, 'change_protection');
  });

  router.post('/servers/{id}/actions/attach_to_network', (r) => {
    const s = r.store.state;
    const server = recordById(s.servers, r.params.id, 'server');
    const aliasIps = Array.isArray(r.body.alias_ips) ? r.body.alias_ips.map(String) : [];
    const networkId = attachToNetwork(s, server, r.body.network, v.optionalString(r.body, 'ip'), aliasIps, v.optionalString(r.body, 'ip_range'));
    return serverAction(r.store, server, 'attach_to_network', [{ id: networkId, type: 'network' }]);
  });

  router.post('/servers/{id}/actions/detach_from_network', (r) => {
    const s = r.store.state;
    const server = recordById(s.servers, r.params.id, 'server');
    const networkId = v.requiredInt(r.body, 'network');
    recordById(s.networks, networkId, 'network');
    if (!server.private_net.some((p) => p.network === networkId)) throw invalidInput('network', `server ${server.id} is not attached to network ${networkId}`);
    if (server.ipv4 === null && server.ipv6 === null && server.private_net.length === 1) {
      throw invalidInput('network', `server ${server.id} has no public IP; it cannot leave its last network`);
    }
    server.private_net = server.private_net.filter((p) => p.network !== networkId);
    return serverAction(r.store, server, 'detach_from_network', [{ id: networkId, type: 'network' }]);
  });

  router.post('/servers/{id}/actions/change_alias_ips', (r) => {
    const s = r.store.state;
    const server = recordById(s.servers, r.params.id, 'server');
    const networkId = v.requiredInt(r.body, 'network');
    const entry = server.private_net.find((p) => p.network === networkId);
    if (!entry) throw invalidInput('network', `server ${server.id} is not attached to network ${networkId}`);
    const network = recordById(s.networks, networkId, 'network');
    const wanted: string[] = Array.isArray(r.body.alias_ips) ? r.body.alias_ips.map(String) : [];
    const old = entry.alias_ips;
    entry.alias_ips = [];
    const zone = findLocation(server.location)!.network_zone;
    try {
      for (const ip of wanted) entry.alias_ips.push(allocatePrivateIp(s, network, zone, ip));
    } catch (e) {
      entry.alias_ips = old;
      throw e;
    }
    return serverAction(r.store, server, 'change_alias_ips', [{ id: networkId, type: 'network' }]);
  });

  router.post('/servers/{id}/actions/change_type', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    const type = findServerType(r.body.server_type);
    if (!type) throw invalidInput('server_type', `server type "${String(r.body.server_type)}" not found`);
    if (server.status !== 'off') throw new ApiError('server_not_stopped', `server ${server.id} must be off to change its type`);
    const current = findServerType(server.server_type)!;
    if (type.architecture !== current.architecture) throw new ApiError('invalid_server_type', `cannot change from ${current.architecture} to ${type.architecture}`);
    if (type.disk < current.disk && r.body.upgrade_disk !== false) throw new ApiError('invalid_server_type', `${type.name} has a smaller disk than ${current.name}; use upgrade_disk=false to keep the disk`);
    server.server_type = type.name;
    // "This copies the content of its disk, and starts it again." (API reference, change_type)
    server.status = 'running';
    return serverAction(r.store, server, 'change_server_type');
  });

  router.post('/servers/{id}/actions/rebuild', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    if (server.protection.rebuild) throw protectedError('server', server.id, 'rebuild');
    const arch = findServerType(server.server_type)!.architecture;
    const image = findImage(r.body.image, arch);
    if (!image) throw invalidInput('image', `image "${String(r.body.image)}" not found for architecture ${arch}`);
    server.image = image.id;
    if (typeof r.body.user_data === 'string') server.user_data = r.body.user_data;
    const action = createAction(r.store, 'rebuild_server', [{ id: server.id, type: 'server' }]);
    return { status: 201, body: { action: renderAction(action), root_password: server.ssh_keys.length ? null : 'local-api-root-password' } };
  });

  router.post('/servers/{id}/actions/enable_backup', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    server.backup_window = '22-02';
    return serverAction(r.store, server, 'enable_backup');
  });
  router.post('/servers/{id}/actions/disable_backup', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    server.backup_window = null;
    return serverAction(r.store, server, 'disable_backup');
  });

  router.post('/servers/{id}/actions/add_to_placement_group', (r) => {
    const s = r.store.state;
    const server = recordById(s.servers, r.params.id, 'server');
    const group = recordById(s.placement_groups, v.requiredInt(r.body, 'placement_group'), 'placement_group');
    if (server.placement_group !== null) throw new ApiError('placement_error', `server ${server.id} is already in placement group ${server.placement_group}`);
    checkPlacementRoom(s, group.id);
    server.placement_group = group.id;
    return serverAction(r.store, server, 'add_to_placement_group', [{ id: group.id, type: 'placement_group' }]);
  });
  router.post('/servers/{id}/actions/remove_from_placement_group', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    if (server.placement_group === null) throw invalidInput('placement_group', `server ${server.id} is in no placement group`);
    const group = server.placement_group;
    server.placement_group = null;
    return serverAction(r.store, server, 'remove_from_placement_group', [{ id: group, type: 'placement_group' }]);
  });

  router.post('/servers/{id}/actions/enable_rescue', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    server.rescue_enabled = true;
    const action = createAction(r.store, 'enable_rescue', [{ id: server.id, type: 'server' }]);
    return { status: 201, body: { action: renderAction(action), root_password: 'local-api-rescue-password' } };
  });
  router.post('/servers/{id}/actions/disable_rescue', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    server.rescue_enabled = false;
    return serverAction(r.store, server, 'disable_rescue');
  });
  router.post('/servers/{id}/actions/attach_iso', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    server.iso = v.requiredString({ iso: String(r.body.iso ?? '') }, 'iso');
    return serverAction(r.store, server, 'attach_iso');
  });
  router.post('/servers/{id}/actions/detach_iso', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    server.iso = null;
    return serverAction(r.store, server, 'detach_iso');
  });
  router.post('/servers/{id}/actions/change_dns_ptr', (r) => {
    const s = r.store.state;
    const server = recordById(s.servers, r.params.id, 'server');
    const ip = v.requiredString(r.body, 'ip');
    const p = s.primary_ips.find((x) => x.assignee_id === server.id && (x.ip === ip || (x.type === 'ipv6' && ip.startsWith(x.ip.split('::')[0]))));
    if (!p) throw invalidInput('ip', `${ip} is not an address of server ${server.id}`);
    p.dns_ptr = p.dns_ptr.filter((d) => d.ip !== ip);
    if (typeof r.body.dns_ptr === 'string' && r.body.dns_ptr !== '') p.dns_ptr.push({ ip, dns_ptr: r.body.dns_ptr });
    return serverAction(r.store, server, 'change_dns_ptr');
  });
  router.post('/servers/{id}/actions/reset_password', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    const action = createAction(r.store, 'reset_password', [{ id: server.id, type: 'server' }]);
    return { status: 201, body: { action: renderAction(action), root_password: 'local-api-root-password' } };
  });
  router.post('/servers/{id}/actions/request_console', (r) => {
    const server = recordById(r.store.state.servers, r.params.id, 'server');
    const action = createAction(r.store, 'request_console', [{ id: server.id, type: 'server' }]);
    return { status: 201, body: { action: renderAction(action), wss_url: 'wss://127.0.0.1/console-not-available', password: 'local' } };
  });
}
