/**
 * Networks and their subnets and routes: list, get, create, update, delete,
 * and the actions add_subnet, delete_subnet, add_route, delete_route,
 * change_ip_range, change_protection. Also the private-address allocation that
 * server attach_to_network uses.
 *
 * Rules enforced as the API reference states them: the network range is an
 * RFC 1918 range of at least /24; subnets lie inside it, do not overlap, and
 * (per the project's FACTS) share one network zone; the gateway of a cloud
 * subnet is the first address of the network range.
 */
import { actionBody, createAction, registerResourceActions } from '../actions';
import { ApiError, invalidInput, uniqueness } from '../errors';
import { recordById } from '../pagination';
import { serversInNetwork } from '../relations';
import { registerResourceRoutes, requireUniqueName } from '../resource-routes';
import type { Router } from '../router';
import type { ApiState, NetworkRecord, ServerRecord, Store, SubnetRecord } from '../state';
import * as v from '../validate';
import { LOCATIONS } from './catalog';

const NETWORK_ZONES = [...new Set(LOCATIONS.map((l) => l.network_zone))];
const SUBNET_TYPES = ['cloud', 'server', 'vswitch'];

export function renderNetwork(state: ApiState, n: NetworkRecord) {
  return {
    id: n.id,
    name: n.name,
    created: n.created,
    ip_range: n.ip_range,
    subnets: n.subnets.map((s) => ({ ...s })),
    routes: n.routes.map((r) => ({ ...r })),
    servers: serversInNetwork(state, n.id).map((s) => s.id),
    load_balancers: [],
    protection: { ...n.protection },
    labels: n.labels,
    expose_routes_to_vswitch: n.expose_routes_to_vswitch,
  };
}

function networkRange(field: string, cidr: unknown): v.Cidr4 {
  if (typeof cidr !== 'string') throw invalidInput(field, 'is required and must be an IPv4 CIDR');
  const c = v.parseCidr4(cidr);
  if (!c || c.hostBits) throw invalidInput(field, `"${cidr}" is not a valid IPv4 network`);
  if (!v.isRfc1918(c)) throw invalidInput(field, `"${cidr}" must be inside an RFC 1918 range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)`);
  return c;
}

/** Validates a subnet request against the network and returns the record; `ip_range` is chosen when absent. */
function buildSubnet(network: { ip_range: string; subnets: SubnetRecord[] }, body: any, field: string): SubnetRecord {
  const type = v.requiredString(body, 'type');
  if (!SUBNET_TYPES.includes(type)) throw invalidInput(`${field}.type`, `"${type}" is not allowed; allowed: ${SUBNET_TYPES.join(', ')}`);
  const zone = v.requiredString(body, 'network_zone');
  if (!NETWORK_ZONES.includes(zone)) throw invalidInput(`${field}.network_zone`, `"${zone}" is not allowed; allowed: ${NETWORK_ZONES.join(', ')}`);
  const other = network.subnets.find((s) => s.network_zone !== zone);
  if (other) throw invalidInput(`${field}.network_zone`, `all subnets of a network must be in one network zone; ${other.ip_range} is in ${other.network_zone}`);
  const net = v.parseCidr4(network.ip_range)!;
  let range: v.Cidr4;
  if (body.ip_range === undefined || body.ip_range === null) {
    // Hetzner picks the next free /24 inside the network.
    let found: v.Cidr4 | undefined;
    for (let base = net.base; base + 256 <= net.base + net.size; base += 256) {
      const cand = { base, prefix: 24, size: 256 };
      if (!network.subnets.some((s) => v.cidr4Overlaps(v.parseCidr4(s.ip_range)!, cand))) {
        found = cand;
        break;
      }
    }
    if (!found) throw invalidInput(`${field}.ip_range`, `no free /24 left in ${network.ip_range}`);
    range = found;
  } else {
    range = networkRange(`${field}.ip_range`, body.ip_range);
    if (range.prefix > 30) throw invalidInput(`${field}.ip_range`, 'subnets must be /30 or larger');
    if (!v.cidr4Contains(net, range)) throw invalidInput(`${field}.ip_range`, `${body.ip_range} is not inside the network range ${network.ip_range}`);
    const clash = network.subnets.find((s) => v.cidr4Overlaps(v.parseCidr4(s.ip_range)!, range));
    if (clash) throw invalidInput(`${field}.ip_range`, `${body.ip_range} overlaps subnet ${clash.ip_range}`);
  }
  const subnet: SubnetRecord = {
    type: type as SubnetRecord['type'],
    ip_range: `${v.intToIpv4(range.base)}/${range.prefix}`,
    network_zone: zone,
    gateway: v.intToIpv4(net.base + 1),
  };
  if (type === 'vswitch') {
    const vswitch = v.requiredInt(body, 'vswitch_id');
    subnet.vswitch_id = vswitch;
  }
  return subnet;
}

/** Every private address already used in the network (server IPs and alias IPs). */
function usedAddresses(state: ApiState, networkId: number): Set<string> {
  const used = new Set<string>();
  for (const s of serversInNetwork(state, networkId)) {
    for (const p of s.private_net) if (p.network === networkId) [p.ip, ...p.alias_ips].forEach((ip) => used.add(ip));
  }
  return used;
}

function usableHost(subnet: SubnetRecord, ipInt: number): boolean {
  const c = v.parseCidr4(subnet.ip_range)!;
  return ipInt > c.base && ipInt < c.base + c.size - 1 && v.intToIpv4(ipInt) !== subnet.gateway;
}

/**
 * Picks or checks a server's address in the network, as attach_to_network
 * does: an explicit `ip` must be a free host address of a cloud/server subnet
 * in the server's network zone; otherwise the first free one (optionally inside
 * `ipRange`) is taken.
 */
export function allocatePrivateIp(state: ApiState, network: NetworkRecord, zone: string, ip?: string, ipRange?: string): string {
  const used = usedAddresses(state, network.id);
  const subnets = network.subnets.filter((s) => s.type !== 'vswitch');
  if (ip !== undefined) {
    const n = v.ipv4ToInt(ip);
    if (n === undefined) throw invalidInput('ip', `"${ip}" is not an IPv4 address`);
    const subnet = subnets.find((s) => {
      const c = v.parseCidr4(s.ip_range)!;
      return n >= c.base && n < c.base + c.size;
    });
    if (!subnet) throw invalidInput('ip', `${ip} is in no subnet of network ${network.id}`);
    if (subnet.network_zone !== zone) throw new ApiError('no_subnet_available', `subnet ${subnet.ip_range} is in ${subnet.network_zone}, the server in ${zone}`);
    if (!usableHost(subnet, n) || used.has(ip)) throw new ApiError('ip_not_available', `IP ${ip} is not available in network ${network.id}`);
    return ip;
  }
  for (const s of subnets) {
    if (s.network_zone !== zone || (ipRange && s.ip_range !== ipRange)) continue;
    const c = v.parseCidr4(s.ip_range)!;
    for (let n = c.base + 1; n < c.base + c.size - 1; n++) {
      const cand = v.intToIpv4(n);
      if (usableHost(s, n) && !used.has(cand)) return cand;
    }
  }
  throw new ApiError('no_subnet_available', `no free address in a subnet of network ${network.id} in network zone ${zone}`);
}

/** A stable, locally administered MAC address per server and network. */
export function macAddress(serverId: number, networkId: number): string {
  const bytes = [0x86, 0x00, (serverId >> 16) & 255, (serverId >> 8) & 255, serverId & 255, networkId & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function detachAllServers(state: ApiState, networkId: number): ServerRecord[] {
  const servers = serversInNetwork(state, networkId);
  for (const s of servers) s.private_net = s.private_net.filter((p) => p.network !== networkId);
  return servers;
}

function networkAction(store: Store, n: NetworkRecord, command: string) {
  return actionBody(createAction(store, command, [{ id: n.id, type: 'network' }]));
}

export function registerNetworks(router: Router): void {
  registerResourceActions(router, 'networks', 'network');

  registerResourceRoutes(router, {
    collection: 'networks',
    kind: 'network',
    records: (s) => s.networks,
    render: renderNetwork,
    update: (n, body) => {
      const expose = v.optionalBool(body, 'expose_routes_to_vswitch');
      if (expose !== undefined) n.expose_routes_to_vswitch = expose;
    },
    // "If there are Servers attached they will be detached in the background." (API reference)
    remove: (store, n) => {
      detachAllServers(store.state, n.id);
    },
  });

  router.post('/networks', (r) => {
    const s = r.store.state;
    const name = v.resourceName(r.body);
    requireUniqueName(s.networks, name, 'network');
    const range = networkRange('ip_range', r.body.ip_range);
    if (range.prefix > 24) throw invalidInput('ip_range', 'the network must be /24 or larger');
    const draft = { ip_range: `${v.intToIpv4(range.base)}/${range.prefix}`, subnets: [] as SubnetRecord[] };
    const subnets: unknown[] = Array.isArray(r.body.subnets) ? r.body.subnets : [];
    subnets.forEach((sub, i) => draft.subnets.push(buildSubnet(draft, sub, `subnets[${i}]`)));
    const net: NetworkRecord = {
      id: r.store.nextId('network'),
      name,
      created: r.store.now(),
      ip_range: draft.ip_range,
      subnets: draft.subnets,
      routes: Array.isArray(r.body.routes) ? r.body.routes.map((x: any) => ({ destination: String(x.destination), gateway: String(x.gateway) })) : [],
      labels: v.labels(r.body.labels),
      protection: { delete: false },
      expose_routes_to_vswitch: v.optionalBool(r.body, 'expose_routes_to_vswitch') ?? false,
    };
    s.networks.push(net);
    return { status: 201, body: { network: renderNetwork(s, net) } };
  });

  router.post('/networks/{id}/actions/add_subnet', (r) => {
    const n = recordById(r.store.state.networks, r.params.id, 'network');
    n.subnets.push(buildSubnet(n, r.body, 'subnet'));
    return networkAction(r.store, n, 'add_subnet');
  });

  router.post('/networks/{id}/actions/delete_subnet', (r) => {
    const s = r.store.state;
    const n = recordById(s.networks, r.params.id, 'network');
    const range = v.requiredString(r.body, 'ip_range');
    const subnet = n.subnets.find((x) => x.ip_range === range);
    if (!subnet) throw invalidInput('ip_range', `network ${n.id} has no subnet ${range}`);
    const c = v.parseCidr4(subnet.ip_range)!;
    const inUse = serversInNetwork(s, n.id).some((srv) =>
      srv.private_net.some((p) => p.network === n.id && [p.ip, ...p.alias_ips].some((ip) => { const x = v.ipv4ToInt(ip)!; return x >= c.base && x < c.base + c.size; })),
    );
    // The provider retries on exactly this code and message while servers detach.
    if (inUse) throw new ApiError('service_error', `cannot delete subnet ${range}: servers are attached`);
    n.subnets = n.subnets.filter((x) => x !== subnet);
    return networkAction(r.store, n, 'delete_subnet');
  });

  router.post('/networks/{id}/actions/add_route', (r) => {
    const n = recordById(r.store.state.networks, r.params.id, 'network');
    const destination = v.requiredString(r.body, 'destination');
    const gateway = v.requiredString(r.body, 'gateway');
    if (n.routes.some((x) => x.destination === destination && x.gateway === gateway)) throw uniqueness('route', 'destination', destination);
    n.routes.push({ destination, gateway });
    return networkAction(r.store, n, 'add_route');
  });

  router.post('/networks/{id}/actions/delete_route', (r) => {
    const n = recordById(r.store.state.networks, r.params.id, 'network');
    const destination = v.requiredString(r.body, 'destination');
    const gateway = v.requiredString(r.body, 'gateway');
    const before = n.routes.length;
    n.routes = n.routes.filter((x) => !(x.destination === destination && x.gateway === gateway));
    if (n.routes.length === before) throw invalidInput('destination', `network ${n.id} has no route ${destination} via ${gateway}`);
    return networkAction(r.store, n, 'delete_route');
  });

  router.post('/networks/{id}/actions/change_ip_range', (r) => {
    const n = recordById(r.store.state.networks, r.params.id, 'network');
    const range = networkRange('ip_range', r.body.ip_range);
    const old = v.parseCidr4(n.ip_range)!;
    if (!v.cidr4Contains(range, old)) throw invalidInput('ip_range', 'the network range can only grow (the new range must contain the old one)');
    n.ip_range = `${v.intToIpv4(range.base)}/${range.prefix}`;
    return networkAction(r.store, n, 'change_ip_range');
  });

  router.post('/networks/{id}/actions/change_protection', (r) => {
    const n = recordById(r.store.state.networks, r.params.id, 'network');
    const del = v.optionalBool(r.body, 'delete');
    if (del !== undefined) n.protection.delete = del;
    return networkAction(r.store, n, 'change_protection');
  });
}
