/**
 * Adoption, end to end (`npm run adopt`, run by `npm run deploy` first): per
 * tenant, the stack as the deploy will synthesize it, the addresses its state
 * already holds, and, only for the resources the state lacks, a look-up by
 * name in the API; what `adoption-plan.ts` accepts is imported with `tofu
 * import`. A tenant whose state holds every resource costs no API call and no
 * tofu run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Tenant } from '../lib/tenant/model';
import { loadCurrentFleet, loadError, relativize } from '../review/load-fleet';
import { runPool } from '../review/pool';
import { stackEnv } from '../review/stack-env';
import { synthStacks } from '../review/synth-stacks';
import { initStack, tofu } from '../review/tofu';
import { HcloudClient } from '../verify/client';
import { ADOPTABLE, adoptionPlan, expectedResources, expectedSubnets, stateIds, subnetAdoptions, type Adoption, type ExpectedResource, type LiveResource, type Refusal } from './adoption-plan';

export interface AdoptOptions {
  /** Project root (state/ is under it). */
  readonly projectDir: string;
  /** The tenants directory. @default <projectDir>/tenants */
  readonly tenantsDir?: string;
  /** Only these tenant ids. @default every tenant file */
  readonly tenants?: readonly string[];
  /** Where the stacks are synthesized. @default <projectDir>/cdktf.out/adopt */
  readonly outdir?: string;
  /** HCLOUD_TOKEN, HCLOUD_ENDPOINT, a bring-your-own-project tenant's token, the toolchain. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The tofu binary. @default tofu on PATH */
  readonly tofuBin?: string;
  /** Tenants handled at a time. @default the number of CPUs */
  readonly parallel?: number;
  /** Progress lines. @default silent */
  readonly log?: (line: string) => void;
}

export interface TenantAdoption {
  readonly tenant: string;
  readonly adopted: readonly Adoption[];
  readonly refused: readonly Refusal[];
  /** Why the tenant could not be checked. */
  readonly error?: string;
}

const HETZNER_API = 'https://api.hetzner.cloud/v1';

/** The state's addresses and ids: from the local state file, or through tofu for a remote backend. */
async function readState(stack: unknown, stackDir: string, run: { bin?: string; env: NodeJS.ProcessEnv }): Promise<Map<string, string>> {
  const local = (stack as { terraform?: { backend?: { local?: { path?: unknown } } } })?.terraform?.backend?.local?.path;
  if (typeof local === 'string') {
    const file = path.resolve(stackDir, local);
    return fs.existsSync(file) ? stateIds(JSON.parse(fs.readFileSync(file, 'utf8') || '{}')) : new Map();
  }
  await initStack(stackDir, run);
  const text = await tofu(stackDir, ['state', 'pull'], run);
  return stateIds(text.trim() ? JSON.parse(text) : {});
}

/** What the API holds under the name of each expected resource. */
async function lookUp(client: HcloudClient, expected: readonly ExpectedResource[]): Promise<Map<string, LiveResource[]>> {
  const live = new Map<string, LiveResource[]>();
  for (const e of expected) {
    const api = ADOPTABLE[e.type];
    const found = e.type === 'hcloud_zone_rrset'
      ? await client.list(api.path.replace('{zone}', encodeURIComponent(e.zone!)), api.key, { name: e.name, type: e.recordType! })
      : await client.list(api.path, api.key, { name: e.name });
    live.set(e.address, found.map((r: { id: unknown; name: string; labels?: Record<string, string> }) => ({ id: String(r.id), name: r.name, labels: r.labels ?? {} })));
  }
  return live;
}

export async function adoptTenants(o: AdoptOptions): Promise<TenantAdoption[]> {
  const log = o.log ?? (() => undefined);
  const env = o.env ?? process.env;
  const dir = o.tenantsDir ?? path.join(o.projectDir, 'tenants');
  const current = loadCurrentFleet(dir, o.projectDir);
  const ids = o.tenants ?? (current.fleet?.tenants.map((t) => t.id) ?? []);
  const out = new Map<string, TenantAdoption>();
  const fail = (tenant: string, error: string) => out.set(tenant, { tenant, adopted: [], refused: [], error: relativize(error, o.projectDir) });

  const loadable = ids.filter((id) => {
    const error = loadError(current, id);
    if (error) fail(id, error);
    return !error;
  });
  const stacks = current.fleet && loadable.length
    ? synthStacks(current.fleet, loadable, { outdir: o.outdir ?? path.join(o.projectDir, 'cdktf.out', 'adopt'), projectRoot: o.projectDir })
    : [];

  await runPool(stacks, o.parallel ?? os.cpus().length, async (s) => {
    if (!s.ok) { fail(s.tenant, s.error); return; }
    const tenant = current.fleet!.tenants.find((t) => t.id === s.tenant) as Tenant;
    const run = { bin: o.tofuBin, env: stackEnv(s.stack, env).env as NodeJS.ProcessEnv };
    try {
      const state = await readState(s.stack, s.stackDir, run);
      const missing = expectedResources(s.stack).filter((e) => !state.has(e.address));
      const subnets = expectedSubnets(s.stack).filter((e) => !state.has(e.address));
      if (missing.length === 0 && subnets.length === 0) { out.set(s.tenant, { tenant: s.tenant, adopted: [], refused: [] }); return; }
      const token = tenant.hcloudTokenEnv ? env[tenant.hcloudTokenEnv] : env.HCLOUD_TOKEN;
      if (!token) throw new Error(`no API token to look for resources an interrupted deploy left: set ${tenant.hcloudTokenEnv ?? 'HCLOUD_TOKEN'}`);
      const client = new HcloudClient({ endpoint: env.HCLOUD_ENDPOINT || HETZNER_API, token });
      const named = adoptionPlan({ expected: missing, state, live: await lookUp(client, missing) });
      // A subnet has no name or labels: it is the tenant's when its network is (killed between network and subnet).
      const networkIds = new Map([...state].filter(([a]) => a.startsWith('hcloud_network.')));
      for (const a of named.imports) if (a.address.startsWith('hcloud_network.')) networkIds.set(a.address, a.importId);
      const liveRanges = new Map<string, string[]>();
      for (const id of new Set(subnets.map((e) => networkIds.get(e.networkAddress)).filter((x): x is string => x !== undefined))) {
        const network = await client.getOne(`/networks/${id}`, 'network');
        liveRanges.set(id, ((network?.subnets ?? []) as { ip_range: string }[]).map((r) => r.ip_range));
      }
      const plan = { imports: [...named.imports, ...subnetAdoptions({ subnets, state, networkIds, liveRanges })], refused: named.refused };
      if (plan.imports.length) await initStack(s.stackDir, run);
      const adopted: Adoption[] = [];
      for (const a of plan.imports) {
        await tofu(s.stackDir, ['import', '-input=false', '-no-color', '-lock-timeout=60s', a.address, a.importId], run);
        adopted.push(a);
        log(`adopt: tenant-${s.tenant}: imported ${a.address} (${a.name}, id ${a.importId})`);
      }
      for (const r of plan.refused) log(`adopt: tenant-${s.tenant}: NOT adopted ${r.address}: ${r.reason}`);
      out.set(s.tenant, { tenant: s.tenant, adopted, refused: plan.refused });
    } catch (e) {
      fail(s.tenant, (e as Error).message);
    }
  });
  return ids.map((id) => out.get(id)!);
}

/** 0: nothing refused; 1: a resource with the expected name is not this tenant's; 2: a tenant could not be checked. */
export function adoptExitCode(results: readonly TenantAdoption[]): 0 | 1 | 2 {
  if (results.some((r) => r.error !== undefined)) return 2;
  return results.some((r) => r.refused.length > 0) ? 1 : 0;
}
