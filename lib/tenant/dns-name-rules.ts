/**
 * DNS names must fit DNS: at most 253 characters in all (255 octets on the
 * wire) and at most 63 per label. A record's full name is its name, a dot and
 * the platform zone, so a name that is fine on its own can still be too long.
 * Pure; the loader locates the findings.
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

/** Each record's full name (name + "." + zone) against the DNS limits. */
export function checkRecordNameLengths(records: readonly { readonly name: string }[], zone: string, emit: Emit): void {
  records.forEach((r, i) => {
    const fqdn = `${r.name}.${zone}`;
    const problem = dnsNameProblem(fqdn);
    if (!problem) return;
    const message = problem.startsWith('the DNS name')
      ? `the DNS name (record + "." + zone ${zone}) has ${fqdn.length} characters; allowed: at most ${DNS_NAME_MAX_CHARS} characters in all`
      : problem;
    emit(['dns', 'records', i, 'name'], message);
  });
}

/** The platform zone against the DNS limits. */
export function checkZoneNameLength(zone: string, emit: Emit): void {
  const problem = dnsNameProblem(zone, 'the DNS zone name');
  if (problem) emit(['dns', 'zone'], problem);
}
