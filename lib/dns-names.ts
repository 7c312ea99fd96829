/**
 * DNS names as Hetzner accepts them, checked once for the platform file, the
 * tenant files and the local API (see ../shared/FACTS.md, "Hetzner behaviour").
 *
 * - A DNS zone is a registered domain: Hetzner DNS has no subzones, so
 *   `tenants.example.com` is refused; put `example.com` in the zone and
 *   `tenants` in the record names. Hetzner accepts every name under a public
 *   suffix of the Public Suffix List; we check the common shape of one: a name
 *   of exactly two labels (`example.com`), or one label below a multi-label
 *   public suffix from the short list below (`example.co.uk`). Add a suffix to
 *   `MULTI_LABEL_PUBLIC_SUFFIXES` when you need one that is missing.
 * - An RRSet name is relative to its zone: lowercase, `@` for the apex, and it
 *   must not end with the zone name (`acme.example.com` in zone `example.com`
 *   would be `acme.example.com.example.com`).
 * - A server name is a hostname (RFC 1123): dot-separated labels of letters,
 *   digits and `-`, not starting or ending with `-`; Hetzner allows at most 63
 *   characters.
 */

/** Multi-label public suffixes under which a registered domain has three labels. */
export const MULTI_LABEL_PUBLIC_SUFFIXES: readonly string[] = [
  'co.uk', 'org.uk', 'me.uk', 'ltd.uk', 'plc.uk', 'net.uk', 'ac.uk', 'gov.uk',
  'com.au', 'net.au', 'org.au', 'co.nz', 'org.nz', 'net.nz',
  'co.at', 'or.at', 'co.jp', 'ne.jp', 'or.jp', 'co.za', 'org.za', 'co.in', 'net.in', 'org.in',
  'com.br', 'net.br', 'org.br', 'com.cn', 'net.cn', 'org.cn', 'com.mx', 'com.tr', 'com.es', 'com.pl', 'com.sg', 'com.hk', 'co.il', 'co.kr',
];

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** RRSet labels may also hold `_` (`_acme-challenge`) and a leading `*` label. */
const RRSET_LABEL = /^(\*|[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)$/;
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const MAX_DNS_NAME_CHARS = 253;
export const MAX_SERVER_NAME_CHARS = 63;

/** What a zone may be, for "allowed:" in messages. */
export const ZONE_ALLOWED = 'a registered domain such as example.com or example.co.uk (the rest of a longer name goes into dns.suffix)';

/** Returns why `name` is not a zone Hetzner DNS accepts, or undefined when it is. */
export function zoneNameProblem(name: string): string | undefined {
  if (name.length > MAX_DNS_NAME_CHARS) return `"${name}" is longer than ${MAX_DNS_NAME_CHARS} characters`;
  const labels = name.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    return `"${name}" is not a domain name: lowercase dot-separated labels of letters, digits and "-", no trailing dot`;
  }
  const suffix = labels.slice(-2).join('.');
  const multi = MULTI_LABEL_PUBLIC_SUFFIXES.includes(suffix);
  if (multi && labels.length === 2) return `"${name}" is a public suffix, not a registered domain`;
  const registered = multi ? labels.slice(-3).join('.') : suffix;
  if (labels.length > (multi ? 3 : 2)) return `"${name}" is a subdomain of ${registered}; Hetzner DNS has no subzones`;
  return undefined;
}

/** Returns why `name` is not an RRSet name Hetzner accepts in `zone`, or undefined when it is. */
export function rrsetNameProblem(name: string, zone: string): string | undefined {
  if (name === '@') return undefined;
  if (name === zone || name.endsWith(`.${zone}`)) return `"${name}" ends with the zone name ${zone}; names inside a zone are relative to it`;
  if (name.endsWith('.')) return `"${name}" ends with a dot; RRSet names are relative to the zone`;
  const labels = name.split('.');
  if (!labels.every((l, i) => RRSET_LABEL.test(l) && (l !== '*' || i === 0))) {
    return `"${name}" is not a relative lowercase name: dot-separated labels of letters, digits, "-" and "_" ("*" only first)`;
  }
  if (name.length + 1 + zone.length > MAX_DNS_NAME_CHARS) return `"${name}.${zone}" is longer than ${MAX_DNS_NAME_CHARS} characters`;
  return undefined;
}

/** Returns why `name` is not a server name Hetzner accepts (an RFC 1123 hostname of at most 63 characters), or undefined. */
export function serverNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_SERVER_NAME_CHARS) return `"${name}" must be 1-${MAX_SERVER_NAME_CHARS} characters`;
  if (!name.split('.').every((l) => HOST_LABEL.test(l))) {
    return `"${name}" is not a valid hostname (RFC 1123): dot-separated labels of letters, digits and "-", not starting or ending with "-"`;
  }
  return undefined;
}

