/** The isolation package: one rule shape, one finding type, three phases (see README.md). */
import { LIVE_RULES } from './live';
import { PLAN_RULES } from './plan';
import { SYNTH_RULES } from './synth';

/** Every rule of every phase, for listings and for tests that hold the package together. */
export const ALL_RULES = [...SYNTH_RULES, ...PLAN_RULES, ...LIVE_RULES] as const;

export type { Finding, Phase, Severity } from './finding';
export { isViolation, NO_TENANT, sortFindings } from './finding';
export type { Rule, RuleResult, Violation } from './rule';
export { runRules } from './rule';
export { checkStack, IsolationError, SYNTH_RULES } from './synth';
export { checkPlan, PLAN_RULES } from './plan';
export { checkLive, LIVE_RULES } from './live';
