/**
 * Hetzner Cloud facts the planning logic depends on (Hetzner's Cloud docs and
 * API, as of provider v1.68).
 * Numbers live here once, so a change of limit is a one-line change.
 */

/** Location -> network zone. All subnets of a network share one zone. */
export const NETWORK_ZONE_BY_LOCATION = {
  fsn1: 'eu-central',
  nbg1: 'eu-central',
  hel1: 'eu-central',
  ash: 'us-east',
  hil: 'us-west',
  sin: 'ap-southeast',
} as const;

export type Location = keyof typeof NETWORK_ZONE_BY_LOCATION;
export type NetworkZone = (typeof NETWORK_ZONE_BY_LOCATION)[Location];
export const LOCATIONS = Object.keys(NETWORK_ZONE_BY_LOCATION) as Location[];

/**
 * The one dummy API token: 64 characters, the only thing the provider checks
 * offline (a plan of new resources makes no API call), and what the local
 * cloud (local-cloud/) is driven with. Not a secret.
 */
export const DUMMY_TOKEN = 'dummy-hcloud-token-for-offline-plans-and-the-local-cloud'.padEnd(64, '0');

export const LIMITS = {
  /** Servers attached to one network (community reports). */
  serversPerNetwork: 100,
  /** Rules in one firewall. */
  rulesPerFirewall: 50,
  /** Effective rules of one firewall: a rule counts once per IP range it names. */
  effectiveRulesPerFirewall: 500,
  /** user_data size per server. */
  userDataBytes: 32 * 1024,
  volumeMinGb: 10,
  volumeMaxGb: 10240,
  labelNameMaxChars: 63,
} as const;

// Label keys: optional DNS-style prefix and '/', then a name of <= 63 chars,
// alphanumeric at both ends with '-', '_', '.' inside. Values: empty or the same.
const LABEL_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
const DNS_PREFIX = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** What a label name (and a non-empty label value) may look like. */
export const LABEL_SYNTAX = '1-63 characters, letters and digits at both ends, only "-", "_", "." inside';

/** Returns why `key` is not a valid Hetzner label key, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_PREFIX.test(prefix))) {
    return `label key prefix "${prefix}" is not valid; allowed: a DNS subdomain (lowercase, dots, <= 253 characters)`;
  }
  if (!LABEL_NAME.test(name)) {
    return `label key "${key}" is not valid; allowed: an optional DNS prefix and "/", then ${LABEL_SYNTAX}`;
  }
  return undefined;
}

/**
 * Returns why `value` is not a valid Hetzner label value, or undefined when it is.
 * `what` names the label in the message (e.g. "the role label").
 */
export function labelValueProblem(value: string, what = 'a label value'): string | undefined {
  if (value === '' || LABEL_NAME.test(value)) return undefined;
  return `"${value}" cannot be used as ${what}; allowed: empty or ${LABEL_SYNTAX}`;
}

/** "fsn1 | nbg1 | hel1 (eu-central), ash (us-east), ...": the locations grouped by network zone. */
export function describeLocations(): string {
  const byZone = new Map<NetworkZone, Location[]>();
  for (const l of LOCATIONS) byZone.set(NETWORK_ZONE_BY_LOCATION[l], [...(byZone.get(NETWORK_ZONE_BY_LOCATION[l]) ?? []), l]);
  return [...byZone].map(([zone, ls]) => `${ls.join(' | ')} (${zone})`).join(', ');
}
