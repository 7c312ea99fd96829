/**
 * DNS names must fit DNS: at most 253 characters in all (255 octets on the
 * wire) and at most 63 per label. A record's full name is its name, a dot and
 * the platform zone, so a name that is fine on its own can still be too long
 * (records are checked with every generated name, generated-names.ts; this
 * file checks the platform zone). Pure; the loader locates the findings.
 */
import type { FieldPath } from '../diagnostics';

export const DNS_NAME_MAX_CHARS = 253;
export const DNS_LABEL_MAX_CHARS = 63;

/** Why `name` cannot be a DNS name by length, or undefined. */
export function dnsNameProblem(name: string, what = 'the DNS name'): string | undefined {
  const long = name.split('.').find((l) => l.length > DNS_LABEL_MAX_CHARS);
  if (long !== undefined) return `the label "${long}" has ${long.length} characters; allowed: at most ${DNS_LABEL_MAX_CHARS} characters per label`;
  if (name.length > DNS_NAME_MAX_CHARS) return `${what} has ${name.length} characters; allowed: at most ${DNS_NAME_MAX_CHARS} characters`;
  return undefined;
}

type Emit = (path: FieldPath, message: string) => void;

/** The platform zone against the DNS limits. */
export function checkZoneNameLength(zone: string, emit: Emit): void {
  const problem = dnsNameProblem(zone, 'the DNS zone name');
  if (problem) emit(['dns', 'zone'], problem);
}
