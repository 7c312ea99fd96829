/**
 * `npm run tenant:new -- <id> [--environment ..] [--location ..] [--mode ..]`:
 * scaffolds tenants/<id>.yaml (TENANTS_DIR honoured) with the next free seq.
 * A thin shell: the behaviour is in app/new-command.ts.
 */
import { runTenantNew } from '../app/new-command';

const result = runTenantNew(process.argv.slice(2), { cwd: process.cwd(), tenantsDir: process.env.TENANTS_DIR });
for (const line of result.lines) (result.exitCode === 0 ? console.log : console.error)(line);
process.exitCode = result.exitCode;
