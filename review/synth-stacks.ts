/**
 * The synth edge: the affected tenants' stacks, synthesized with the
 * project's own code (`app/synth.ts`). Synthesis is all or nothing for a
 * fleet, so when the batch fails (an isolation rule, a construct error) each
 * tenant is synthesized alone to say which ones fail and why; a tenant that
 * breaks a synth-time isolation rule comes back with the findings as data.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthFleet } from '../app/synth';
import type { Fleet } from '../lib/tenant/model';
import type { Finding } from '../isolation/finding';
import { IsolationError } from '../isolation/synth';
import { stackName } from '../lib/naming';

export type SynthOutcome =
  | { readonly tenant: string; readonly ok: true; readonly stackDir: string; readonly stack: unknown }
  | { readonly tenant: string; readonly ok: false; readonly error: string; readonly findings: readonly Finding[] };

export interface SynthStacksOptions {
  readonly outdir: string;
  /** Project root: where the local state directory is. */
  readonly projectRoot: string;
}

function stackOf(outdir: string, id: string): { stackDir: string; stack: unknown } {
  const stackDir = path.join(outdir, 'stacks', stackName(id));
  return { stackDir, stack: JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) };
}

/** Synthesizes `ids` of `fleet` into `outdir` (replacing it); one outcome per id, in order. */
export function synthStacks(fleet: Fleet, ids: readonly string[], options: SynthStacksOptions): SynthOutcome[] {
  if (ids.length === 0) return [];
  // synthFleet stages beside the output directory: its parent must exist.
  fs.mkdirSync(path.dirname(path.resolve(options.outdir)), { recursive: true });
  // Never the post-apply step: a review plans, it does not configure servers.
  const base = { projectRoot: options.projectRoot, postApply: false };
  try {
    synthFleet(fleet, { ...base, outdir: options.outdir, only: ids });
    return ids.map((id) => ({ tenant: id, ok: true, ...stackOf(options.outdir, id) }));
  } catch {
    // Find out which tenants fail, each in its own output directory.
    return ids.map((id): SynthOutcome => {
      const outdir = path.join(`${options.outdir}.single`, id);
      fs.mkdirSync(path.dirname(outdir), { recursive: true });
      try {
        synthFleet(fleet, { ...base, outdir, only: [id] });
        return { tenant: id, ok: true, ...stackOf(outdir, id) };
      } catch (e) {
        const message = (e as Error).message;
        const findings = e instanceof IsolationError ? e.findings : [];
        return { tenant: id, ok: false, error: `synthesis failed: ${message}`, findings };
      }
    });
  }
}
