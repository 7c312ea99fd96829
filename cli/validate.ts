/**
 * `npm run validate [-- <files or dirs>]`: checks tenant files (default: all of
 * TENANTS_DIR or tenants/), prints every error and warning as
 * `file:line:col: field.path: what is wrong; what is allowed` and a summary,
 * and exits 0 when the fleet is valid (warnings allowed), 1 otherwise.
 * A thin shell: the behaviour is in app/validate-command.ts.
 */
import { runValidate } from '../app/validate-command';

const result = runValidate(process.argv.slice(2), { cwd: process.cwd(), tenantsDir: process.env.TENANTS_DIR });
for (const line of result.lines) console.log(line);
process.exitCode = result.exitCode;
