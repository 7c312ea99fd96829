/**
 * The local cloud: a Hetzner Cloud API on 127.0.0.1 (server.ts) that can boot
 * real servers behind it (machines/, network/, firewall/, volumes/). What it
 * implements and where it simplifies: README.md. Its public surface, for the
 * `local-cloud` command, try-local, the benchmarks and the tests.
 */
export { startHcloudApi, buildRouter } from './server';
export type { HcloudApi, HcloudApiOptions, RequestLogEntry } from './server';
export { Faults } from './faults';
export type { FaultRule, InjectedFault } from './faults';
export { parseLabelSelector, matchesSelector, matchesRequirements, LabelSelectorError } from './label-selector';
export type { Requirement } from './label-selector';
export { ApiError } from './errors';
export { emptyState } from './state';
export type { MachineOptions } from './machines/machine-layer';
export type { ApiState } from './state';

/** The token to drive it with (any non-empty token is accepted unless the server is started with one). */
export { DUMMY_TOKEN } from '../lib/hetzner';
