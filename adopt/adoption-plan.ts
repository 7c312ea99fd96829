/**
 * What to adopt after an interrupted deploy: pure. A deploy killed after the
 * API created a resource but before OpenTofu recorded it leaves a live
 * resource the state does not know; the next create of the same name fails
 * with `uniqueness_error`. A resource is adopted (imported into the state)
 * only when it is exactly what the stack would create: the stack's name AND
 * the stack's tenant identity labels (`tenant_id`, `managed_by`), and its id
 * is not already in the state under another address. Anything else with that
 * name is refused and named: it belongs to someone else, and importing it
 * would hand it to this tenant's stack.
 */
import { TENANT_LABEL } from '../lib/labels';

/** Resource types identified by name (and labels) in the API, with where to look them up. */
export const ADOPTABLE: Readonly<Record<string, { readonly path: string; readonly key: string; readonly what: string }>> = {
  hcloud_server: { path: '/servers', key: 'servers', what: 'server' },
  hcloud_network: { path: '/networks', key: 'networks', what: 'network' },
  hcloud_firewall: { path: '/firewalls', key: 'firewalls', what: 'firewall' },
  hcloud_volume: { path: '/volumes', key: 'volumes', what: 'volume' },
  hcloud_zone_rrset: { path: '/zones/{zone}/rrsets', key: 'rrsets', what: 'DNS record set' },
};

/** A resource the stack would create that can be found by name in the API. */
export interface ExpectedResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** The identity labels the stack gives it (`tenant_id`, `managed_by`). */
  readonly identity: Readonly<Record<string, string>>;
  /** For a DNS record set: its zone (id or name) and record type. */
  readonly zone?: string;
  readonly recordType?: string;
}

/** One live resource found by name. */
export interface LiveResource {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface Adoption {
  readonly address: string;
  readonly name: string;
  /** The id `tofu import` takes (`<zone>/<name>/<type>` for a record set). */
  readonly importId: string;
}

export interface Refusal {
  readonly address: string;
  readonly name: string;
  readonly reason: string;
}

export interface AdoptionPlan {
  readonly imports: readonly Adoption[];
  readonly refused: readonly Refusal[];
}

const IDENTITY_LABELS = [TENANT_LABEL, 'managed_by'];

/** The adoptable resources of a synthesized stack (`cdk.tf.json`, parsed) whose name and labels are literal. */
export function expectedResources(stack: unknown): ExpectedResource[] {
  const out: ExpectedResource[] = [];
  const resources = (stack as { resource?: Record<string, Record<string, Record<string, unknown>>> })?.resource ?? {};
  for (const type of Object.keys(resources).sort()) {
    if (!ADOPTABLE[type]) continue;
    for (const [name, config] of Object.entries(resources[type]).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const labels = (config.labels ?? {}) as Record<string, unknown>;
      const identity = Object.fromEntries(IDENTITY_LABELS.filter((k) => typeof labels[k] === 'string').map((k) => [k, labels[k] as string]));
      // Without a literal name and tenant label there is nothing safe to match on.
      if (typeof config.name !== 'string' || config.name.includes('${') || identity[TENANT_LABEL] === undefined) continue;
      const rrset = type === 'hcloud_zone_rrset';
      if (rrset && (typeof config.zone !== 'string' || typeof config.type !== 'string')) continue;
      out.push({
        address: `${type}.${name}`,
        type,
        name: config.name,
        identity,
        ...(rrset ? { zone: config.zone as string, recordType: config.type as string } : {}),
      });
    }
  }
  return out;
}

function labelText(labels: Readonly<Record<string, string>>, keys: readonly string[]): string {
  const shown = keys.map((k) => (labels[k] === undefined ? `no ${k}` : `${k}=${labels[k]}`));
  return shown.join(', ');
}

export interface AdoptionInput {
  readonly expected: readonly ExpectedResource[];
  /** Addresses in the state -> the id recorded there. */
  readonly state: ReadonlyMap<string, string>;
  /** What the API holds under each expected address's name (exact name match). */
  readonly live: ReadonlyMap<string, readonly LiveResource[]>;
}

export function adoptionPlan(input: AdoptionInput): AdoptionPlan {
  const imports: Adoption[] = [];
  const refused: Refusal[] = [];
  // Ids are unique per type: `hcloud_server:42`. A record set's id is `<name>/<type>`.
  const key = (address: string, id: string) => `${address.slice(0, address.indexOf('.'))}:${id}`;
  const managed = new Map([...input.state].map(([address, id]) => [key(address, id), address]));
  for (const e of input.expected) {
    if (input.state.has(e.address)) continue;
    const found = input.live.get(e.address) ?? [];
    if (found.length === 0) continue; // The deploy creates it.
    const what = ADOPTABLE[e.type].what;
    if (found.length > 1) {
      refused.push({ address: e.address, name: e.name, reason: `${found.length} ${what}s are named ${e.name}; adopt one by hand (tofu import) or remove the others` });
      continue;
    }
    const [r] = found;
    const mismatch = Object.keys(e.identity).filter((k) => r.labels[k] !== e.identity[k]);
    if (r.name !== e.name || mismatch.length) {
      refused.push({
        address: e.address,
        name: e.name,
        reason: `a ${what} named ${r.name} exists with ${labelText(r.labels, Object.keys(e.identity))}, not ${labelText(e.identity, Object.keys(e.identity))}: not this tenant's, not adopted; rename or remove it`,
      });
      continue;
    }
    const other = managed.get(key(e.address, r.id));
    if (other !== undefined) {
      refused.push({ address: e.address, name: e.name, reason: `${what} ${r.id} is already in the state as ${other}` });
      continue;
    }
    const importId = e.type === 'hcloud_zone_rrset' ? `${e.zone}/${e.name}/${e.recordType}` : r.id;
    imports.push({ address: e.address, name: e.name, importId });
  }
  return { imports, refused };
}

/** A subnet the stack would create: it has no name or labels, it is identified by its network and range. */
export interface ExpectedSubnet {
  readonly address: string;
  /** The address of the stack's network it belongs to (`hcloud_network.network`). */
  readonly networkAddress: string;
  readonly ipRange: string;
}

/** The subnets of a synthesized stack whose network is one of the stack's own networks. */
export function expectedSubnets(stack: unknown): ExpectedSubnet[] {
  const resources = (stack as { resource?: Record<string, Record<string, Record<string, unknown>>> })?.resource ?? {};
  const out: ExpectedSubnet[] = [];
  for (const [name, config] of Object.entries(resources.hcloud_network_subnet ?? {})) {
    const ref = /^\$\{(hcloud_network\.[A-Za-z0-9_-]+)\.id\}$/.exec(String(config.network_id ?? ''));
    if (!ref || typeof config.ip_range !== 'string') continue;
    out.push({ address: `hcloud_network_subnet.${name}`, networkAddress: ref[1], ipRange: config.ip_range });
  }
  return out;
}

/**
 * Subnets to adopt: a subnet the state lacks, on a network that is this
 * tenant's (in the state, or adopted in this run because its name and labels
 * matched), whose exact range the live network already has. A range on a
 * network that is not the tenant's is never looked at. The import id is the
 * provider's `<network id>-<ip range>`.
 */
export function subnetAdoptions(input: {
  readonly subnets: readonly ExpectedSubnet[];
  readonly state: ReadonlyMap<string, string>;
  /** Network ids known to be the tenant's: its state's and this run's adoptions, by address. */
  readonly networkIds: ReadonlyMap<string, string>;
  /** The subnet ranges each such network has live, by network id. */
  readonly liveRanges: ReadonlyMap<string, readonly string[]>;
}): Adoption[] {
  const out: Adoption[] = [];
  for (const s of input.subnets) {
    if (input.state.has(s.address)) continue;
    const id = input.networkIds.get(s.networkAddress);
    if (id === undefined || !(input.liveRanges.get(id) ?? []).includes(s.ipRange)) continue;
    out.push({ address: s.address, name: `${s.ipRange} of network ${id}`, importId: `${id}-${s.ipRange}` });
  }
  return out;
}

/**
 * Addresses and ids of the managed resources in an OpenTofu state file
 * (format version 4), root module only, as the tenant stacks have them.
 */
export function stateIds(state: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const resources = (state as { resources?: { mode?: string; module?: string; type: string; name: string; instances?: { index_key?: unknown; attributes?: { id?: unknown } }[] }[] })?.resources ?? [];
  for (const r of resources) {
    if (r.mode !== 'managed' || r.module) continue;
    for (const i of r.instances ?? []) {
      const index = i.index_key === undefined ? '' : typeof i.index_key === 'number' ? `[${i.index_key}]` : `[${JSON.stringify(i.index_key)}]`;
      out.set(`${r.type}.${r.name}${index}`, String(i.attributes?.id ?? ''));
    }
  }
  return out;
}
