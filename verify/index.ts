/** The live isolation verifier: the live rules (isolation/live/) over snapshots read by label selector. */
export { verifySnapshot, mergeResults, exitCodeOf } from './verify';
export type { TenantSummary, Unverified, VerifyResult } from './verify';
export { readSnapshot, UNLABELLED_SELECTOR } from './read';
export { HcloudClient, HcloudApiError } from './client';
export { formatJson, formatTable } from './report';
export { projectsToRead } from './projects';
