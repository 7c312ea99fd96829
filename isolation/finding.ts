/**
 * What every isolation rule reports, at synth, at plan and on the live fleet:
 * one shape, so that the synth error, the plan review and the verifier's
 * report all name the same things (rule, tenant, resource) the same way.
 */

/** `error` fails the phase (synth, review gate, verify exit 1); `warning` is reported and does not. */
export type Severity = 'error' | 'warning';

/** When a rule runs: on the synthesized stack, on the plan, or on the live resources. */
export type Phase = 'synth' | 'plan' | 'live';

/** The tenant of a finding about a resource that names no tenant. */
export const NO_TENANT = '-';

export interface Finding {
  /** Rule id, e.g. `tenant-label` (the file `isolation/<phase>/rules/<id>.ts`). */
  readonly rule: string;
  readonly severity: Severity;
  /** The tenant whose isolation is at stake; `-` (NO_TENANT) when the resource names none. */
  readonly tenant: string;
  /** The other tenant involved, for cross-tenant findings. */
  readonly otherTenant?: string;
  /**
   * The offending resource: its construct path at synth (`tenant-acme/firewall/firewall`),
   * its address at plan (`hcloud_firewall.firewall`), its kind, name and id live
   * (`server tenant-acme-app-1 (#100001)`).
   */
  readonly resource: string;
  /** What is wrong, with the values involved, in one sentence. */
  readonly message: string;
  /** Why the rule matters (the same for every finding of a rule). */
  readonly explanation: string;
}

/** True for the findings that fail a phase. */
export const isViolation = (f: Finding): boolean => f.severity === 'error';

const sortKey = (f: Finding) => `${f.tenant}\u0000${f.rule}\u0000${f.resource}\u0000${f.message}`;

/** De-duplicated and sorted by tenant, rule, resource and message: stable output for reports and tests. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const unique = new Map(findings.map((f) => [sortKey(f), f]));
  return [...unique.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

/** Each rule of `findings` once, with its explanation, in order of first appearance. */
export function explanations(findings: readonly Finding[]): { rule: string; explanation: string }[] {
  const seen = new Map<string, string>();
  for (const f of findings) if (!seen.has(f.rule)) seen.set(f.rule, f.explanation);
  return [...seen].map(([rule, explanation]) => ({ rule, explanation }));
}
