/**
 * A violation found on the live resources, named by tenant, resource and
 * rule (the same shape as the plan review's isolation findings), with a short
 * `message` (what is wrong) apart from the rule's `explanation` (why it
 * matters).
 */

export type RuleId =
  | 'missing-tenant-label'
  | 'foreign-network'
  | 'firewall-missing'
  | 'firewall-selector'
  | 'firewall-not-covering'
  | 'foreign-firewall'
  | 'egress-open'
  | 'egress-beyond-allow-list'
  | 'orphan'
  // Found by packets (`npm run verify -- --probe`, isolation/probe/), not by reading the API:
  | 'probe-own-network'
  | 'probe-cross-tenant'
  | 'probe-egress'
  | 'probe-inbound';

export interface Finding {
  /** The tenant whose isolation is at stake; `-` when the resource names no tenant. */
  readonly tenant: string;
  /** The other tenant involved, for cross-tenant findings. */
  readonly otherTenant?: string;
  readonly rule: RuleId;
  /** `server tenant-acme-app-1 (#100001)` */
  readonly resource: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
}

/** Why each rule matters, printed once per rule under the table. */
export const EXPLANATIONS: Record<RuleId, string> = {
  'missing-tenant-label':
    'Every selector (firewall coverage, inventory, verification) finds a tenant\'s resources by the tenant_id label; an unlabelled resource is invisible to them and belongs to nobody.',
  'foreign-network': 'A tenant network is the tenant\'s private segment; a server of anyone else on it can reach every tenant host directly, past the firewall\'s public side.',
  'firewall-missing': 'Without its firewall a tenant\'s servers accept any inbound traffic and send anywhere.',
  'firewall-selector': 'The firewall must select the tenant\'s servers by `tenant_id=<id>`, so that every server of the tenant, including new ones, is covered and no other tenant\'s is.',
  'firewall-not-covering': 'A server outside its tenant firewall is open inbound and unrestricted outbound.',
  'foreign-firewall': 'Hetzner adds up the rules of every firewall on a server; another tenant\'s firewall can open ports or egress the tenant never asked for.',
  'egress-open': 'With no outbound rule on any firewall of a server, Hetzner allows all egress: the tenant can send data anywhere.',
  'egress-beyond-allow-list': 'Outbound rules must stay within the tenant file\'s egress allow-list plus the tenant\'s own network.',
  orphan: 'A platform-managed resource whose tenant has no tenant file is owned by no stack: nobody updates, pays attention to, or destroys it.',
  'probe-own-network': 'A tenant\'s servers must reach each other on their private network; a packet that does not arrive there breaks the tenant\'s own service.',
  'probe-cross-tenant': 'A packet from one tenant\'s server arrived at another tenant\'s private address: the networks are not separate, whatever the API says.',
  'probe-egress': 'Packets from a tenant\'s server must leave only to the egress allow-list of its tenant file (nowhere in offline mode), and reach what the list allows.',
  'probe-inbound': 'A server must accept connections only on the declared ports, only from the declared sources; anything else must be dropped before it reaches the server.',
};

export function sortFindings(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => `${f.tenant}\u0000${f.rule}\u0000${f.resource}\u0000${f.message}`;
  const unique = new Map(findings.map((f) => [key(f), f]));
  return [...unique.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
