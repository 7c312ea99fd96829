/**
 * The CDKTF app: one TenantStack per tenant file, nothing else.
 * `npm run synth` and `cdktf synth|deploy` both run this file (through
 * scripts/run.js). TENANTS_DIR points it at another folder of tenant files.
 * Nothing is written unless every tenant file validates and every stack
 * passes its isolation rules.
 */
import { formatDiagnostic, redactSecrets } from './lib/diagnostics';
import { loadFleet, tenantsDir } from './app/tenant-files';
import { synthFleet } from './app/synth';
import { selectTenants } from './lib/tenant/selection';

function main(): number {
  const dir = tenantsDir();
  const { fleet, diagnostics } = loadFleet(dir);
  for (const d of diagnostics) console.error(formatDiagnostic(d));
  if (!fleet) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    console.error(`\n${errors} error(s) in ${dir}; nothing was synthesized.`);
    return 1;
  }
  const selection = selectTenants(process.env.TENANTS, fleet.tenants.map((t) => t.id));
  if ('error' in selection) {
    console.error(`${redactSecrets(selection.error)}\n\nnothing was synthesized.`);
    return 1;
  }
  let summary;
  try {
    summary = synthFleet(fleet, { only: selection.only });
  } catch (e) {
    console.error(`${redactSecrets((e as Error).message)}\n\nnothing was synthesized.`);
    return 1;
  }
  const width = Math.max(...summary.map((s) => s.stack.length), 5);
  console.log(`Synthesized ${summary.length} tenant stack(s) from ${dir}:`);
  for (const s of summary) {
    console.log(`  ${s.stack.padEnd(width)}  ${s.environment.padEnd(11)} ${s.location.padEnd(5)} ${String(s.resources).padStart(3)} resources`);
  }
  return 0;
}

process.exitCode = main();
