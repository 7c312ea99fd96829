/**
 * The names a tenant file makes (lib/naming.ts), each with the field that
 * produces it and the rule of the system that must accept it, so that a name
 * Hetzner, S3 or PostgreSQL would refuse, or one another tenant also makes,
 * is reported at file:line before anything is deployed. Pure.
 *
 * The input may be salvaged (lists with holes, see salvage.ts): lists are
 * walked with `forEach`, which skips holes.
 */
import type { FieldPath } from '../diagnostics';
import { bucketNameProblem, dnsNameProblem, hetznerNameProblem, hostnameProblem, postgresNameProblem } from '../name-rules';
import { bucketName, databaseName, databaseUser, dnsRecordFqdn, firewallName, networkName, serverName, volumeName } from '../naming';
import { forEachServerGroup } from './jump-host';
import type { TenantFile } from './schema';

/** What a name names; also its namespace: names must be unique per kind across the fleet. */
export type NameKind = 'server' | 'network' | 'firewall' | 'volume' | 'DNS' | 'bucket' | 'database' | 'database role';

export interface GeneratedName {
  readonly kind: NameKind;
  readonly name: string;
  /** The field that produces the name (the tenant id, a server group's name, a DNS record's name). */
  readonly path: FieldPath;
}

/** The rule each kind of name must follow. */
const RULE: Record<NameKind, (name: string) => string | undefined> = {
  server: hostnameProblem,
  network: hetznerNameProblem,
  firewall: hetznerNameProblem,
  volume: hetznerNameProblem,
  DNS: dnsNameProblem,
  bucket: bucketNameProblem,
  database: postgresNameProblem,
  'database role': postgresNameProblem,
};

/** The part of a tenant file names are made from. */
export type NameInput = Pick<TenantFile, 'id' | 'mode' | 'servers' | 'volume' | 'dns' | 'storage'>;

/**
 * Every name the tenant makes, in file order. DNS names need the platform
 * zone; without one they are left out.
 */
export function generatedNames(input: NameInput, dns: { readonly zone: string; readonly suffix?: string } | undefined): GeneratedName[] {
  const id = input.id;
  const names: GeneratedName[] = [
    { kind: 'network', name: networkName(id), path: ['id'] },
    { kind: 'firewall', name: firewallName(id), path: ['id'] },
  ];
  if (input.volume) names.push({ kind: 'volume', name: volumeName(id), path: ['id'] });
  // An offline tenant's added jump host is made by its `mode`.
  forEachServerGroup(input, (g, gi) => {
    for (let n = 1; n <= g.count; n++) names.push({ kind: 'server', name: serverName(id, g.name, n), path: gi === undefined ? ['mode'] : ['servers', gi, 'name'] });
  });
  if (dns !== undefined) input.dns.records.forEach((r, i) => names.push({ kind: 'DNS', name: dnsRecordFqdn(dns, r.name), path: ['dns', 'records', i, 'name'] }));
  if (input.storage.minio) names.push({ kind: 'bucket', name: bucketName(id), path: ['id'] });
  if (input.storage.postgres) {
    names.push({ kind: 'database', name: databaseName(id), path: ['id'] }, { kind: 'database role', name: databaseUser(id), path: ['id'] });
  }
  return names;
}

/** "server name", "DNS name": how a message names a kind. */
export const describeKind = (kind: NameKind): string => `${kind} name`;

/** Why `n` would be refused where it is used, or undefined. */
export function nameProblem(n: GeneratedName): string | undefined {
  const problem = RULE[n.kind](n.name);
  return problem && `${describeKind(n.kind)} "${n.name}" ${problem}`;
}
