/**
 * Servers: list (name, status, label_selector, sort), get, create, update
 * (name, labels), delete, and the actions the provider and the Ansible
 * inventory use: poweron, poweroff, shutdown, reboot, reset, change_protection,
 * attach_to_network, detach_from_network, change_alias_ips, change_type,
 * rebuild, enable_backup, disable_backup, add_to_placement_group,
 * remove_from_placement_group, enable_rescue, disable_rescue, attach_iso,
 * detach_iso, change_dns_ptr, reset_password, request_console.
 *
 * Behaviour as the API reference describes it: a server needs a public IP or a
 * network; without `public_net` it gets auto-deleting IPv4 and IPv6 primary
 * IPs; delete is refused while delete protection is on (`protected`); delete
 * removes auto-delete primary IPs, detaches volumes and drops the server from
 * firewalls applied to it directly; change_type needs the server off
 * (`server_not_stopped`) and starts it again; rebuild is refused under rebuild
 * protection.
 *
 * Simplifications: state changes happen at request time (see actions.ts);
 * power-state transitions are instant; `datacenter` is still answered (the
 * Ansible inventory plugin in Debian's hetzner.hcloud 1.11 reads it).
 */
import { actionBody, createAction, registerResourceActions, renderAction } from '../actions';
import { ApiError, invalidInput, protectedError, uniqueness } from '../errors';
import { filterByField, listResponse, recordById } from '../pagination';
import { directFirewallsOfServer, firewallsOfServer, volumesOfServer } from '../relations';
import type { Router } from '../router';
import type { ApiState, ServerRecord, Store } from '../state';
import * as v from '../validate';
import { datacenterOf, findImage, findImageById, findLocation, findServerType, renderImage, renderLocation, renderServerType, requireLocation } from './catalog';
import { MAX_FIREWALLS_PER_SERVER } from './firewalls';
import { allocatePrivateIp, macAddress } from './networks';
import { checkPlacementRoom, renderPlacementGroup } from './placement-groups';
import { assignPrimaryIp, createPrimaryIp, unassignPrimaryIp } from './primary-ips';
import { attachVolume } from './volumes';

export const MAX_NETWORKS_PER_SERVER = 3;
export const MAX_USER_DATA_BYTES = 32 * 1024;

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
    datacenter: datacenterOf(s.location),
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

function serverAction(store: Store, s: ServerRecord, command: string, extra: { id: number; type: string }[] = []) {
  return actionBody(createAction(store, command, [{ id: s.id, type: 'server' }, ...extra]));
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

function attachToNetwork(state: ApiState, s: ServerRecord, networkId: unknown, ip?: string, aliasIps: string[] = [], ipRange?: string): number {
  if (typeof networkId !== 'number') throw invalidInput('network', 'is required and must be a network id');
  const network = state.networks.find((n) => n.id === networkId);
  if (!network) throw invalidInput('network', `network ${networkId} not found`);
  if (s.private_net.some((p) => p.network === network.id)) throw new ApiError('server_already_attached', `server ${s.id} is already attached to network ${network.id}`);
  if (s.private_net.length >= MAX_NETWORKS_PER_SERVER) throw new ApiError('resource_limit_exceeded', `server ${s.id} is already in ${MAX_NETWORKS_PER_SERVER} networks`);
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

/** Removes the server and everything that dies with it (auto-delete IPs, direct firewall entries, volume attachments). */
function deleteServer(state: ApiState, s: ServerRecord): void {
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

export function registerServers(router: Router): void {
  registerResourceActions(router, 'servers', 'server');

  router.get('/servers', (r) =>
    listResponse('servers', r.store.state.servers, r.query, (s) => renderServer(r.store.state, s), {
      filters: [(ss) => filterByField(ss, r.query, 'status')],
    }),
  );

  router.post('/servers', (r) => {
    const store = r.store;
    const s = store.state;
    const b = r.body;
    const name = v.resourceName(b);
    if (s.servers.some((x) => x.name === name)) throw uniqueness('server', 'name', name);
    const typeRaw = b.server_type;
    const type = typeRaw === undefined || typeRaw === null ? undefined : findServerType(typeRaw);
    if (!type) throw invalidInput('server_type', `server type "${String(typeRaw)}" not found`);
    const image = b.image === undefined || b.image === null ? undefined : findImage(b.image, type.architecture);
    if (!image) throw invalidInput('image', `image "${String(b.image)}" not found for architecture ${type.architecture}`);
    let location = b.location === undefined || b.location === null ? undefined : requireLocation('location', String(b.location)).name;
    if (!location && b.datacenter) {
      const l = findLocation(String(b.datacenter).split('-')[0]);
      if (!l) throw invalidInput('datacenter', `datacenter "${String(b.datacenter)}" not found`);
      location = l.name;
    }
    location ??= 'fsn1';
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
    if (!enableIpv4 && !enableIpv6 && !ipv4 && !ipv6 && networks.length === 0) {
      throw invalidInput('networks', 'a server without public IPs must be attached to at least one network');
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
    s.servers.push(server);
    try {
      for (const n of networks) attachToNetwork(s, server, n);
      for (const vol of volumes) attachVolume(s, vol, server);
    } catch (e) {
      deleteServer(s, server);
      throw e;
    }
    // Hetzner creates the missing primary IPs itself, named primary_ip-<id>, deleted with the server.
    const autoIp = (type: 'ipv4' | 'ipv6') => {
      const p = createPrimaryIp(store, { name: '', type, location: location!, assignee_id: null, auto_delete: true, labels: {} });
      p.name = `primary_ip-${p.id}`;
      return p;
    };
    if (ipv4) assignPrimaryIp(s, ipv4, server, false);
    else if (enableIpv4) assignPrimaryIp(s, autoIp('ipv4'), server, false);
    if (ipv6) assignPrimaryIp(s, ipv6, server, false);
    else if (enableIpv6) assignPrimaryIp(s, autoIp('ipv6'), server, false);
    for (const id of firewallIds) {
      const fw = s.firewalls.find((x) => x.id === id)!;
      if (!fw.apply_to.some((a) => a.type === 'server' && a.server.id === server.id)) fw.apply_to.push({ type: 'server', server: { id: server.id } });
    }
    if (firewallsOfServer(s, server).length > MAX_FIREWALLS_PER_SERVER) {
      deleteServer(s, server);
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
  });

  router.get('/servers/{id}', (r) => ({ status: 200, body: { server: renderServer(r.store.state, recordById(r.store.state.servers, r.params.id, 'server')) } }));

  router.put('/servers/{id}', (r) => {
    const s = r.store.state;
    const server = recordById(s.servers, r.params.id, 'server');
    const name = v.optionalString(r.body, 'name');
    if (name !== undefined && name !== server.name) {
      if (s.servers.some((x) => x.name === name)) throw uniqueness('server', 'name', name);
      server.name = v.resourceName(r.body);
    }
    if (r.body.labels !== undefined) server.labels = v.labels(r.body.labels);
    return { status: 200, body: { server: renderServer(s, server) } };
  });

  router.delete('/servers/{id}', (r) => {
    const s = r.store.state;
    const server = recordById(s.servers, r.params.id, 'server');
    if (server.protection.delete) throw protectedError('server', server.id, 'delete');
    const action = createAction(r.store, 'delete_server', [{ id: server.id, type: 'server' }]);
    deleteServer(s, server);
    return { status: 200, body: { action: renderAction(action) } };
  });

  const power = (path: string, command: string, status: ServerRecord['status'] | undefined) =>
    router.post(`/servers/{id}/actions/${path}`, (r) => {
      const server = recordById(r.store.state.servers, r.params.id, 'server');
      if (status) server.status = status;
      return serverAction(r.store, server, command);
    });
  power('poweron', 'start_server', 'running');
  power('poweroff', 'stop_server', 'off');
  power('shutdown', 'shutdown_server', 'off');
  power('reboot', 'reboot_server', 'running');
  power('reset', 'reset_server', 'running');

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
