/**
 * `npm run synth` (main.ts): loads the tenant files, selects the tenants
 * `TENANTS` names, synthesizes them and says what it did. main.ts only prints
 * what this returns, so the whole behaviour is testable here.
 */
import { formatDiagnostic, redactSecrets } from '../lib/diagnostics';
import { selectTenants } from '../lib/tenant/selection';
import { synthFleet } from './synth';
import { loadFleet } from './tenant-files';

export interface SynthCommandEnv {
  /** TENANTS_DIR or ./tenants. */
  readonly tenantsDir: string;
  /** TENANTS: comma-separated ids; unset synthesizes every tenant. */
  readonly tenants?: string;
  /** CDKTF_OUTDIR. @default ./cdktf.out */
  readonly outdir?: string;
}

export interface SynthCommandResult {
  /** 0: synthesized; 1: nothing was synthesized. */
  readonly exitCode: number;
  /** The summary (stdout). */
  readonly out: string[];
  /** Problems and warnings (stderr). */
  readonly err: string[];
}

export function runSynthCommand(env: SynthCommandEnv): SynthCommandResult {
  const dir = env.tenantsDir;
  const err: string[] = [];
  const fail = (message: string): SynthCommandResult => ({ exitCode: 1, out: [], err: [...err, redactSecrets(message), '', 'nothing was synthesized.'] });
  const { fleet, diagnostics } = loadFleet(dir);
  err.push(...diagnostics.map(formatDiagnostic));
  if (!fleet) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    return { exitCode: 1, out: [], err: [...err, '', `${errors} error(s) in ${dir}; nothing was synthesized.`] };
  }
  const selection = selectTenants(env.tenants, fleet.tenants.map((t) => t.id));
  if ('error' in selection) return fail(selection.error);
  let summary;
  try {
    summary = synthFleet(fleet, { only: selection.only, outdir: env.outdir, warn: (m) => err.push(`warning: ${m}`) });
  } catch (e) {
    return fail((e as Error).message);
  }
  const width = Math.max(...summary.map((s) => s.stack.length), 5);
  const out = [`Synthesized ${summary.length} tenant stack(s) from ${dir}:`];
  for (const s of summary) {
    out.push(`  ${s.stack.padEnd(width)}  ${s.environment.padEnd(11)} ${s.location.padEnd(5)} ${String(s.resources).padStart(3)} resources`);
  }
  return { exitCode: 0, out, err };
}
