/**
 * Benchmark child: synthesizes the union of several generated fleet shards in
 * one app. A fleet is capped at 254 tenants by the 10.<seq>.0.0/16 scheme, so
 * sizes beyond that are measured as several platforms' worth of tenants
 * synthesized together (the cost that matters is per stack, not per fleet).
 * usage: synth-child.ts <outdir> <shard-dir>...
 */
import { loadFleet } from '../app/tenant-files';
import { synthFleet } from '../app/synth';
import type { Fleet, Tenant } from '../lib/tenant/model';

const [outdir, ...shards] = process.argv.slice(2);
let fleet: Fleet | undefined;
const tenants: Tenant[] = [];
for (const dir of shards) {
  const r = loadFleet(dir);
  if (!r.fleet) throw new Error(`invalid shard ${dir}`);
  fleet ??= r.fleet;
  tenants.push(...r.fleet.tenants);
}
const summary = synthFleet({ platform: fleet!.platform, tenants }, { outdir, postApply: false });
console.log(`stacks=${summary.length}`);
