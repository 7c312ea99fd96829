/**
 * The Cloud API's JSON mapped to the snapshot the live rules read
 * (isolation/live/snapshot.ts): pure functions, one per kind of resource.
 */
import type { LiveApplyTo, LiveFirewall, LiveNetwork, LiveResource, LiveRule, LiveServer } from '../isolation/live/snapshot';

export function serverFromApi(s: any): LiveServer {
  return {
    kind: 'server',
    id: s.id,
    name: s.name,
    labels: s.labels ?? {},
    networks: (s.private_net ?? []).map((p: any) => p.network),
    firewalls: (s.public_net?.firewalls ?? []).map((f: any) => f.id),
    // Only what the API states: both addresses null. An answer without the fields counts as public.
    ...(s.public_net?.ipv4 === null && s.public_net?.ipv6 === null ? { publicInterface: false } : {}),
  };
}

export function networkFromApi(n: any): LiveNetwork {
  return { kind: 'network', id: n.id, name: n.name, labels: n.labels ?? {}, ipRange: n.ip_range, servers: n.servers ?? [] };
}

export function firewallFromApi(f: any): LiveFirewall {
  return {
    kind: 'firewall',
    id: f.id,
    name: f.name,
    labels: f.labels ?? {},
    rules: (f.rules ?? []).map(
      (r: any): LiveRule => ({
        direction: r.direction,
        protocol: r.protocol,
        port: r.port ?? null,
        cidrs: (r.direction === 'in' ? r.source_ips : r.destination_ips) ?? [],
        ...(r.description ? { description: r.description } : {}),
      }),
    ),
    appliedTo: (f.applied_to ?? []).map(
      (a: any): LiveApplyTo =>
        a.type === 'server'
          ? { type: 'server', serverId: a.server?.id }
          : { type: 'label_selector', selector: a.label_selector?.selector ?? '', serverIds: (a.applied_to_resources ?? []).filter((x: any) => x.type === 'server').map((x: any) => x.server?.id) },
    ),
  };
}

export function otherFromApi(kind: 'volume' | 'primary_ip' | 'placement_group', r: any): LiveResource {
  return { kind, id: r.id, name: r.name, labels: r.labels ?? {} };
}

export function rrsetFromApi(zone: string, r: any): LiveResource {
  return { kind: 'rrset', id: `${zone}/${r.name}/${r.type}`, name: `${r.name}/${r.type} in ${zone}`, labels: r.labels ?? {} };
}
