/**
 * Fleet-wide checks: what must be unique across all tenant files (ids, seq
 * values, DNS names and every other generated name), and the next free seq.
 * Pure.
 */
import type { Diagnostic, FieldPath } from '../diagnostics';
import { networkCidr } from '../naming';
import { describeKind, GeneratedName } from './generated-names';

/** The highest tenant seq (network 10.<seq>.0.0/16). */
export const MAX_SEQ = 254;

/** The lowest seq above every used one, or else the lowest unused one; undefined when 1..254 are all taken. */
export function nextFreeSeq(used: Iterable<number>): number | undefined {
  const taken = new Set(used);
  const max = Math.max(0, ...[...taken].filter((n) => Number.isInteger(n) && n >= 1 && n <= MAX_SEQ));
  if (max < MAX_SEQ) return max + 1;
  for (let s = 1; s <= MAX_SEQ; s++) if (!taken.has(s)) return s;
  return undefined;
}

/**
 * What fleet-wide uniqueness needs of a tenant file. A `Tenant` is one; the
 * loader also builds them from files with errors, leaving out what is invalid.
 */
export interface FleetMember {
  readonly sourceFile: string;
  readonly id?: string;
  readonly seq?: number;
  /** `index` is the record's index in dns.records (default: its position here). */
  readonly dnsRecords: readonly { readonly fqdn: string; readonly index?: number }[];
  /** The other names the tenant makes (servers, network, buckets, ...; generated-names.ts). @default none compared */
  readonly names?: readonly GeneratedName[];
}

/** The field paths fleet-wide findings may point at, for the loader to keep their positions. */
export function fleetPaths(m: FleetMember): FieldPath[] {
  const paths = new Map<string, FieldPath>();
  const add = (p: FieldPath) => paths.set(JSON.stringify(p), p);
  add(['id']);
  add(['seq']);
  m.dnsRecords.forEach((r, i) => add(['dns', 'records', r.index ?? i, 'name']));
  m.names?.forEach((n) => add(n.path));
  return [...paths.values()];
}

/**
 * Fleet-wide uniqueness. Each error is reported in the later file and names
 * the earlier one (`where` turns a file and field path into "file:line:col").
 */
export function checkFleet(
  tenants: readonly FleetMember[],
  where: (file: string, path: FieldPath) => string = (file) => file,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const check = <K>(
    keys: (t: FleetMember) => { key: K; path: FieldPath }[],
    what: (k: K) => string,
    allowed: (k: K) => string,
    /** Also compare two members with the same id. @default true */
    sameId = true,
  ) => {
    const seen = new Map<K, { t: FleetMember; path: FieldPath }>();
    for (const t of tenants) {
      for (const { key, path } of keys(t)) {
        const first = seen.get(key);
        if (!first) seen.set(key, { t, path });
        else if (first.t !== t && (sameId || first.t.id !== t.id)) {
          diagnostics.push({ severity: 'error', file: t.sourceFile, path, message: `${what(key)} is already used by ${where(first.t.sourceFile, first.path)}; allowed: ${allowed(key)}` });
        }
      }
    }
  };
  check((t) => (t.id === undefined ? [] : [{ key: t.id, path: ['id'] }]), (k) => `id "${k}"`, () => 'an id no other tenant uses');
  const next = nextFreeSeq(tenants.flatMap((t) => (t.seq === undefined ? [] : [t.seq])));
  check(
    (t) => (t.seq === undefined ? [] : [{ key: t.seq, path: ['seq'] }]),
    (k) => `seq ${k} (network ${networkCidr(k)})`,
    () => `a seq no other tenant uses${next !== undefined ? ` (the next free one is ${next})` : ''}`,
  );
  check(
    (t) => t.dnsRecords.map((r, i) => ({ key: r.fqdn, path: ['dns', 'records', r.index ?? i, 'name'] })),
    (k) => `DNS name "${k}"`,
    () => 'a name no other tenant uses',
  );
  // Names made from the id alone differ when the ids do; two files with one id are reported once, above.
  const byKind = new Map<string, GeneratedName>();
  check(
    (t) =>
      (t.names ?? []).map((n) => {
        const key = `${n.kind}\0${n.name}`;
        byKind.set(key, n);
        return { key, path: n.path };
      }),
    (k) => `${describeKind(byKind.get(k)!.kind)} "${byKind.get(k)!.name}"`,
    (k) => byKind.get(k)!.kind === 'server'
      ? 'a name no other tenant makes (servers are named tenant-<id>-<group>-<n>: rename this group)'
      : 'a name no other tenant makes',
    false,
  );
  return diagnostics;
}
