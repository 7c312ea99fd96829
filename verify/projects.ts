/**
 * Which Hetzner projects to read, with which token: the platform project
 * (HCLOUD_TOKEN) for every tenant without `hcloud_token_env`, and each
 * bring-your-own project with the token from the environment variable its
 * tenant file names. Pure.
 */
import type { Tenant } from '../lib/tenant/model';

export interface Project {
  /** The environment variable holding the project's token: `HCLOUD_TOKEN` for the platform's. */
  readonly tokenEnv: string;
  /** True for the platform project (it also holds the fleet-level resources). */
  readonly platform: boolean;
  /** The tenants whose resources live in this project. */
  readonly tenants: readonly Tenant[];
}

export const PLATFORM_TOKEN_ENV = 'HCLOUD_TOKEN';

/**
 * The projects to read for `scope` (every tenant when absent). The platform
 * project is read whenever no scope is given (orphans and unlabelled
 * resources live there) or a scoped tenant lives in it.
 */
export function projectsToRead(tenants: readonly Tenant[], scope?: readonly string[]): Project[] {
  const inScope = (t: Tenant) => !scope || scope.includes(t.id);
  const platformTenants = tenants.filter((t) => !t.hcloudTokenEnv);
  const out: Project[] = [];
  if (!scope || platformTenants.some(inScope)) out.push({ tokenEnv: PLATFORM_TOKEN_ENV, platform: true, tenants: platformTenants });
  const byEnv = new Map<string, Tenant[]>();
  for (const t of tenants) {
    if (!t.hcloudTokenEnv || !inScope(t)) continue;
    byEnv.set(t.hcloudTokenEnv, [...(byEnv.get(t.hcloudTokenEnv) ?? []), t]);
  }
  for (const [tokenEnv, ts] of [...byEnv].sort(([a], [b]) => (a < b ? -1 : 1))) out.push({ tokenEnv, platform: false, tenants: ts });
  return out;
}
