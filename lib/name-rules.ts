/**
 * What the systems we name things in accept: Hetzner (server hostnames,
 * resource names, DNS), S3 buckets and PostgreSQL identifiers. Each function
 * returns why a name is refused ("... ; allowed: ..."), or undefined. Pure.
 */

const HOSTNAME_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Hetzner resource names (networks, firewalls, volumes, ...): alphanumeric at both ends, "-", "_", "." inside. */
const HETZNER_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const HETZNER_NAME_MAX = 63;
/** RFC 1035: a DNS label and a whole name, in characters, without the trailing dot. */
const DNS_LABEL_MAX = 63;
const DNS_NAME_MAX = 253;
/** PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes. */
const POSTGRES_NAME_MAX_BYTES = 63;

/** A Hetzner server name: a hostname (RFC 1123) of one label. */
export function hostnameProblem(name: string): string | undefined {
  const allowed = `allowed: 1-${DNS_LABEL_MAX} characters, lowercase letters, digits and "-", a letter or digit at both ends (a hostname, RFC 1123)`;
  if (name.length > DNS_LABEL_MAX) return `is ${name.length} characters; ${allowed}`;
  return HOSTNAME_LABEL.test(name) ? undefined : `has characters a hostname cannot have; ${allowed}`;
}

/** A Hetzner network, firewall or volume name. */
export function hetznerNameProblem(name: string): string | undefined {
  const allowed = `allowed: 1-${HETZNER_NAME_MAX} characters, letters and digits at both ends, only "-", "_", "." inside`;
  if (name.length > HETZNER_NAME_MAX) return `is ${name.length} characters; ${allowed}`;
  return HETZNER_NAME.test(name) ? undefined : `has characters Hetzner refuses; ${allowed}`;
}

/** A fully qualified DNS name (record and zone). */
export function dnsNameProblem(fqdn: string): string | undefined {
  const allowed = `allowed: at most ${DNS_NAME_MAX} characters in all, dot-separated labels of 1-${DNS_LABEL_MAX} lowercase letters, digits and "-"`;
  if (fqdn.length > DNS_NAME_MAX) return `is ${fqdn.length} characters; ${allowed}`;
  return fqdn.split('.').every((l) => HOSTNAME_LABEL.test(l) && l.length <= DNS_LABEL_MAX) ? undefined : `is not a valid DNS name; ${allowed}`;
}

/** An S3 bucket name (AWS's rules, which MinIO and Hetzner Object Storage follow). */
export function bucketNameProblem(name: string): string | undefined {
  const allowed = 'allowed: 3-63 characters, lowercase letters, digits, "-" and ".", a letter or digit at both ends, not shaped like an IP address (S3 bucket rules)';
  if (name.length < 3 || name.length > 63) return `is ${name.length} characters; ${allowed}`;
  const ok = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name) && !name.startsWith('xn--');
  return ok ? undefined : `is not a valid bucket name; ${allowed}`;
}

/** A PostgreSQL database or role name, as the roles create them (unquoted identifiers). */
export function postgresNameProblem(name: string): string | undefined {
  const allowed = `allowed: at most ${POSTGRES_NAME_MAX_BYTES} bytes, lowercase letters, digits and "_", starting with a letter or "_" (PostgreSQL truncates longer identifiers)`;
  // UTF-8 length; ASCII (every name we make) is one byte a character.
  const bytes = /^[\x00-\x7f]*$/.test(name) ? name.length : new TextEncoder().encode(name).length;
  if (bytes > POSTGRES_NAME_MAX_BYTES) return `is ${bytes} bytes; ${allowed}`;
  return /^[a-z_][a-z0-9_]*$/.test(name) ? undefined : `is not a valid identifier; ${allowed}`;
}
