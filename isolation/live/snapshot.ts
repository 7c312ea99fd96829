/**
 * What the live rules see of a Hetzner project: the few fields of each live
 * resource they need. The verifier maps the Cloud API's JSON to it
 * (verify/from-api.ts), so the rules can be tested with plain objects.
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
  /**
   * Whether it has a public IPv4 or IPv6 address. Without one it sends and
   * receives nothing beyond its networks, and Hetzner applies no firewall to it.
   * @default true
   */
  readonly publicInterface?: boolean;
}

/** A server without a public interface: firewalls do not apply to it, and it has no way out of its networks. */
export const isPrivateOnly = (s: Pick<LiveServer, 'publicInterface'>): boolean => s.publicInterface === false;

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
