/**
 * One isolation rule, in the manner of cdk-nag: a small pure function over
 * what its phase sees (the synthesized stack, the plan, the live snapshot),
 * with a short `info` (what is wrong) apart from the `explanation` (why it
 * matters). Its result is one of three:
 *   - `'not-applicable'`: nothing of what the rule is about exists here;
 *   - `[]`: compliant;
 *   - violations: non-compliant, one per offending resource.
 * `runRules` turns violations into findings carrying the rule's id,
 * severity and explanation.
 */
import { type Finding, type Phase, type Severity, sortFindings } from './finding';

/** What a rule says about one offending resource; the rule adds the rest. */
export interface Violation {
  readonly tenant: string;
  readonly otherTenant?: string;
  readonly resource: string;
  readonly message: string;
}

export type RuleResult = 'not-applicable' | readonly Violation[];

export interface Rule<Input> {
  /** Kebab-case id, equal to the rule's file name. */
  readonly id: string;
  readonly phase: Phase;
  readonly severity: Severity;
  /** What is wrong when the rule fails, in one sentence. */
  readonly info: string;
  /** Why it matters. */
  readonly explanation: string;
  check(input: Input): RuleResult;
}

export function findingOf(rule: Rule<never>, v: Violation): Finding {
  return {
    rule: rule.id,
    severity: rule.severity,
    tenant: v.tenant,
    ...(v.otherTenant !== undefined ? { otherTenant: v.otherTenant } : {}),
    resource: v.resource,
    message: v.message,
    explanation: rule.explanation,
  };
}

/** Runs every rule on `input`; all findings, sorted and de-duplicated (empty = isolated). */
export function runRules<Input>(rules: readonly Rule<Input>[], input: Input): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    const result = rule.check(input);
    if (result !== 'not-applicable') out.push(...result.map((v) => findingOf(rule as Rule<never>, v)));
  }
  return sortFindings(out);
}
