/** The live isolation verifier: pure checks over a snapshot read by label selector. */
export { verifySnapshot } from './verify';
export { readSnapshot } from './read';
export { HcloudClient, HcloudApiError } from './client';
export { formatJson, formatTable } from './report';
export { CHECKS } from '../isolation/live';
export type { TenantForVerify } from '../isolation/live';
