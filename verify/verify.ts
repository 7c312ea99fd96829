/**
 * Runs the live rules on each project's snapshot and groups the result per
 * tenant. Pure: the snapshots come from read.ts (or a test), the fleet from
 * the tenant files.
 */
import { type Finding, isViolation, NO_TENANT, sortFindings } from '../isolation/finding';
import { checkLive, LIVE_RULES, type LiveInput, tenantOf } from '../isolation/live';

export interface TenantSummary {
  readonly id: string;
  /** Live resources labelled with this tenant's id, by kind. */
  readonly servers: number;
  readonly networks: number;
  readonly firewalls: number;
  readonly others: number;
  /** Findings of severity error about this tenant. */
  readonly violations: number;
}

/** A tenant whose project could not be read: never reported clean. */
export interface Unverified {
  readonly id: string;
  /** Why, e.g. `$ACME_HCLOUD_TOKEN is not set`. */
  readonly reason: string;
}

export interface VerifyResult {
  /** No violation, and every tenant was verified. */
  readonly ok: boolean;
  /** The tenants checked (every tenant of the fleet when no scope was given). */
  readonly tenants: readonly TenantSummary[];
  readonly findings: readonly Finding[];
  /** Tenants that were not verified (exit 2). */
  readonly unverified: readonly Unverified[];
}

/**
 * One project: `input.tenants` are the tenants that live in it. `scope`: only
 * these tenants. Findings about them (or naming them as the other tenant) are
 * kept; fleet-level findings (resources with no tenant_id, orphans) are
 * reported only when no scope is given.
 */
export function verifySnapshot(input: LiveInput, scope?: readonly string[], rules = LIVE_RULES): VerifyResult {
  const all = checkLive(input, rules);
  const inScope = (f: Finding) => !scope || scope.includes(f.tenant) || (f.otherTenant !== undefined && scope.includes(f.otherTenant));
  const findings = all.filter((f) => (scope ? f.rule !== 'orphan' && f.tenant !== NO_TENANT && inScope(f) : true));
  const ids = input.tenants.map((t) => t.id).filter((id) => !scope || scope.includes(id));
  const count = <T extends { labels: Readonly<Record<string, string>> }>(xs: readonly T[], id: string) => xs.filter((x) => tenantOf(x) === id).length;
  const s = input.snapshot;
  const tenants = ids.map((id) => ({
    id,
    servers: count(s.servers, id),
    networks: count(s.networks, id),
    firewalls: count(s.firewalls, id),
    others: count(s.others, id),
    violations: findings.filter((f) => f.tenant === id && isViolation(f)).length,
  }));
  return { ok: !findings.some(isViolation), tenants, findings, unverified: [] };
}

/** The results of several projects (and the tenants not verified) as one, tenants in `order`. */
export function mergeResults(results: readonly VerifyResult[], unverified: readonly Unverified[], order: readonly string[]): VerifyResult {
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  const tenants = results.flatMap((r) => r.tenants).sort((a, b) => rank(a.id) - rank(b.id));
  const findings = sortFindings(results.flatMap((r) => r.findings));
  const missing = [...results.flatMap((r) => r.unverified), ...unverified].sort((a, b) => rank(a.id) - rank(b.id));
  return { ok: missing.length === 0 && !findings.some(isViolation), tenants, findings, unverified: missing };
}

/** 0: verified, no violation; 1: violations; 2: a tenant could not be verified. */
export function exitCodeOf(r: VerifyResult): 0 | 1 | 2 {
  if (r.unverified.length > 0) return 2;
  return r.findings.some(isViolation) ? 1 : 0;
}
