/**
 * What the verifier sees of a Hetzner project: the few fields of each live
 * resource the isolation checks need, mapped from the Cloud API's JSON by
 * pure functions (so the checks can be tested with plain objects).
 */

export type Labels = Readonly<Record<string, string>>;

export type LiveKind = 'server' | 'network' | 'firewall' | 'volume' | 'primary_ip' | 'placement_group' | 'rrset';

export interface LiveResource {
  readonly kind: LiveKind;
  /** Numeric id; for rrsets `<zone>/<name>/<type>`. */
  readonly id: number | string;
  readonly name: string;
  readonly labels: Labels;
}

export interface LiveServer extends LiveResource {
  readonly kind: 'server';
  /** Ids of the networks the server is attached to. */
  readonly networks: readonly number[];
  /** Ids of every firewall Hetzner applies to the server (directly or by label selector). */
  readonly firewalls: readonly number[];
}

export interface LiveNetwork extends LiveResource {
  readonly kind: 'network';
  readonly ipRange: string;
  /** Ids of the servers attached. */
  readonly servers: readonly number[];
}

export interface LiveRule {
  readonly direction: 'in' | 'out';
  readonly protocol: string;
  /** "443", "80-85", "any"; null for icmp, esp, gre. */
  readonly port: string | null;
  /** source_ips (in) or destination_ips (out). */
  readonly cidrs: readonly string[];
  readonly description?: string;
}

export type LiveApplyTo =
  | { readonly type: 'server'; readonly serverId: number }
  | { readonly type: 'label_selector'; readonly selector: string; readonly serverIds: readonly number[] };

export interface LiveFirewall extends LiveResource {
  readonly kind: 'firewall';
  readonly rules: readonly LiveRule[];
  readonly appliedTo: readonly LiveApplyTo[];
}

/** A project as read: every resource of the platform, plus what they reference. */
export interface Snapshot {
  readonly servers: readonly LiveServer[];
  readonly networks: readonly LiveNetwork[];
  readonly firewalls: readonly LiveFirewall[];
  /** Volumes, primary IPs, placement groups, DNS rrsets: checked for labels only. */
  readonly others: readonly LiveResource[];
}

/** `server tenant-acme-app-1 (#100001)`: how findings name a resource. */
export function describe(r: Pick<LiveResource, 'kind' | 'id' | 'name'>): string {
  const kind = r.kind.replace('_', ' ');
  return typeof r.id === 'number' ? `${kind} ${r.name} (#${r.id})` : `${kind} ${r.name}`;
}

// --- From the Cloud API's JSON ------------------------------------------------

export function serverFromApi(s: any): LiveServer {
  return {
    kind: 'server',
    id: s.id,
    name: s.name,
    labels: s.labels ?? {},
    networks: (s.private_net ?? []).map((p: any) => p.network),
    firewalls: (s.public_net?.firewalls ?? []).map((f: any) => f.id),
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
