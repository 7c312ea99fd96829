/** The live isolation verifier: pure checks over a snapshot read by label selector. */
export { verifySnapshot } from './verify';
export type { TenantSummary, VerifyResult } from './verify';
export { readSnapshot } from './read';
export { HcloudClient, HcloudApiError } from './client';
export { formatJson, formatTable } from './report';
export { EXPLANATIONS } from '../isolation/live/finding';
export type { Finding, RuleId } from '../isolation/live/finding';
export type { Snapshot } from './live';
export { CHECKS } from '../isolation/live';
export type { CheckInput, TenantForVerify } from '../isolation/live';
