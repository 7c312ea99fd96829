/**
 * Test support: gives a tenant "existing infrastructure" without any API, by
 * planning its stack as new and pushing a state crafted from that plan
 * (`crafted-state.ts`) into the backend the stack configures (`tofu state
 * push`). Afterwards a review of a change to that tenant plans against it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthFleet } from '../../app/synth';
import { loadFleet } from '../../app/tenant-files';
import { stackName } from '../../lib/naming';
import { DUMMY_TOKEN } from '../../lib/hetzner';
import { planStack, tofu } from '../../review/tofu';
import { craftStateFromPlan, type ProviderSchemas } from './crafted-state';

export interface ExistingStateOptions {
  readonly projectDir: string;
  readonly tenantId: string;
  readonly tofuBin: string;
  readonly env: Record<string, string | undefined>;
  /** @default <projectDir>/tenants */
  readonly tenantsDir?: string;
  /** Provider schema. @default this repository's providers/schemas/hcloud.json */
  readonly schemaFile?: string;
}

// Beside the sources under jest; from the working directory when bundled by scripts/run.js.
const SCHEMA = [path.resolve(__dirname, '..', '..', 'providers', 'schemas', 'hcloud.json'), path.resolve('providers', 'schemas', 'hcloud.json')]
  .find((f) => fs.existsSync(f))!;

/** Creates the tenant's state as if its current tenant file had been applied; returns the number of resources. */
export async function createExistingState(o: ExistingStateOptions): Promise<number> {
  const dir = o.tenantsDir ?? path.join(o.projectDir, 'tenants');
  const { fleet, diagnostics } = loadFleet(dir, [path.join(dir, `${o.tenantId}.yaml`)]);
  if (!fleet) throw new Error(`cannot load ${o.tenantId}: ${JSON.stringify(diagnostics)}`);
  const outdir = path.join(o.projectDir, '.existing-state', o.tenantId);
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  synthFleet(fleet, { outdir, projectRoot: o.projectDir, postApply: false });
  const stackDir = path.join(outdir, 'stacks', stackName(o.tenantId));
  const run = { bin: o.tofuBin, env: { ...o.env, HCLOUD_TOKEN: DUMMY_TOKEN } };
  const { plan } = await planStack(stackDir, run);
  const schemas = JSON.parse(fs.readFileSync(o.schemaFile ?? SCHEMA, 'utf8')) as ProviderSchemas;
  const state = craftStateFromPlan(plan, schemas);
  const file = path.join(outdir, 'crafted.tfstate');
  fs.writeFileSync(file, JSON.stringify(state));
  await tofu(stackDir, ['state', 'push', file], run);
  fs.rmSync(outdir, { recursive: true, force: true });
  return state.resources.length;
}
