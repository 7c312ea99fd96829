/** Test helpers: the example fleet, synthesized stacks as JSON. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from '../constructs/cdk';
import { TenantStack } from '../constructs/tenant-stack';
import { loadFleet } from '../app/tenant-files';
import type { Fleet, Tenant } from '../lib/tenant/model';
import type { StackJson } from '../isolation/synth/stack';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const EXAMPLE_TENANTS = path.join(REPO_ROOT, 'tenants');

/** The example fleet from tenants/; throws with every diagnostic if it is invalid. */
export function exampleFleet(dir = EXAMPLE_TENANTS): Fleet {
  const { fleet, diagnostics } = loadFleet(dir);
  if (!fleet) throw new Error(diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join('\n'));
  return fleet;
}

export function tenant(fleet: Fleet, id: string): Tenant {
  const t = fleet.tenants.find((x) => x.id === id);
  if (!t) throw new Error(`no tenant ${id}`);
  return t;
}

/** Builds one TenantStack in a test app; returns the stack and its synthesized JSON string. */
export function synthTenant(fleet: Fleet, t: Tenant, opts: { postApply?: boolean } = {}) {
  // The outdir only feeds relative paths (state file, ansible/); nothing is written there.
  const app: App = Testing.app({ stackTraces: false, outdir: path.join(REPO_ROOT, 'cdktf.out') });
  const stack = new TenantStack(app, { tenant: t, platform: fleet.platform, projectRoot: REPO_ROOT, postApply: opts.postApply });
  const synthesized = Testing.synth(stack, true);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary paths of the JSON
  const json: StackJson & any = JSON.parse(synthesized);
  return { app, stack, synthesized, json };
}

/** The `backup` block the backup tests add to the example platform file (the local cloud seeds a box with this id and address). */
export const TEST_BACKUP = { storage_box_id: 123456, address: '203.0.113.50' } as const;

/**
 * The example fleet with backups on: the example tenants and platform file,
 * plus a `backup` block naming TEST_BACKUP's box (and `extra` lines inside it).
 */
export function backupFleet(extra: readonly string[] = []): Fleet {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-fleet-'));
  try {
    for (const f of fs.readdirSync(EXAMPLE_TENANTS)) fs.copyFileSync(path.join(EXAMPLE_TENANTS, f), path.join(dir, f));
    const block = ['', 'backup:', `  storage_box_id: ${TEST_BACKUP.storage_box_id}`, `  addresses: [${TEST_BACKUP.address}]`, ...extra.map((l) => `  ${l}`), ''];
    fs.appendFileSync(path.join(dir, '_platform.yaml'), block.join('\n'));
    return exampleFleet(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
