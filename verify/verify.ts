/**
 * Runs every check on a snapshot and groups the result per tenant. Pure: the
 * snapshot comes from read.ts (or a test), the fleet from the tenant files.
 */
import { CHECKS, CheckInput } from '../isolation/live';
import { tenantOf } from '../isolation/live/input';
import { Finding, sortFindings } from '../isolation/live/finding';

export interface TenantSummary {
  readonly id: string;
  /** Live resources labelled with this tenant's id, by kind. */
  readonly servers: number;
  readonly networks: number;
  readonly firewalls: number;
  readonly others: number;
  readonly violations: number;
}

export interface VerifyResult {
  readonly ok: boolean;
  /** The tenants checked (every tenant of the fleet when no scope was given). */
  readonly tenants: readonly TenantSummary[];
  readonly findings: readonly Finding[];
}

/**
 * `scope`: only these tenants. Findings about them (or naming them as the
 * other tenant) are kept; fleet-level findings (resources with no tenant_id,
 * orphans of unknown tenants) are reported only when no scope is given.
 */
export function verifySnapshot(input: CheckInput, scope?: readonly string[]): VerifyResult {
  const all = sortFindings(CHECKS.flatMap((check) => check(input)));
  const inScope = (f: Finding) => !scope || scope.includes(f.tenant) || (f.otherTenant !== undefined && scope.includes(f.otherTenant));
  const findings = all.filter((f) => (scope ? f.rule !== 'orphan' && f.tenant !== '-' && inScope(f) : true));
  const ids = scope ?? input.tenants.map((t) => t.id);
  const count = <T extends { labels: Readonly<Record<string, string>> }>(xs: readonly T[], id: string) => xs.filter((x) => tenantOf(x) === id).length;
  const s = input.snapshot;
  const tenants = ids.map((id) => ({
    id,
    servers: count(s.servers, id),
    networks: count(s.networks, id),
    firewalls: count(s.firewalls, id),
    others: count(s.others, id),
    violations: findings.filter((f) => f.tenant === id).length,
  }));
  return { ok: findings.length === 0, tenants, findings };
}
