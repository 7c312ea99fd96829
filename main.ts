/**
 * The CDKTF app: one TenantStack per tenant file, nothing else.
 * `npm run synth` and `cdktf synth|deploy` both run this file (through
 * scripts/run.js). TENANTS_DIR points it at another folder of tenant files;
 * TENANTS selects some tenants. Nothing is written unless every tenant file
 * validates and every stack passes its isolation rules. A thin shell: the
 * behaviour is in app/synth-command.ts.
 */
import { runSynthCommand } from './app/synth-command';
import { tenantsDir } from './app/tenant-files';

const result = runSynthCommand({ tenantsDir: tenantsDir(), tenants: process.env.TENANTS, outdir: process.env.CDKTF_OUTDIR });
for (const line of result.err) console.error(line);
for (const line of result.out) console.log(line);
process.exitCode = result.exitCode;
