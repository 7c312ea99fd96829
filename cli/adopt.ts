/**
 * npm run adopt -- [tenant-<id> | <id> | 'tenant-*' ...]
 *
 * Completes what an interrupted deploy left behind: a resource the API
 * created but OpenTofu never recorded is imported into the tenant's state
 * when its name AND tenant labels are exactly what the stack would create
 * (never duplicated, never taken from someone else). `npm run deploy` runs
 * this first. Exit code: 0 done (or nothing to do), 1 a resource with an
 * expected name is not this tenant's (named; nothing imported for it), 2 a
 * tenant could not be checked, 64 bad usage.
 */
import * as path from 'path';
import { adoptExitCode, adoptTenants } from '../adopt/adopt-tenants';
import { tenantFilesIn, tenantsDir } from '../app/tenant-files';
import { toolchain } from '../review/toolchain';
import { argCursor, parsed, printUsage } from './args';

const USAGE = `usage: npm run adopt -- [stack...]

  stack...   stack names or tenant ids (tenant-acme, acme, 'tenant-*'); default: every tenant
Needs HCLOUD_TOKEN (HCLOUD_ENDPOINT honoured) when a tenant's state lacks a resource.
exit: 0 done, 1 a resource with an expected name is not this tenant's, 2 could not check, 64 usage error`;

/** Tenant ids matching the stack names and globs cdktf deploy takes; unknown names are problems. */
function selectTenants(patterns: readonly string[], known: readonly string[], problems: string[]): string[] | undefined {
  if (patterns.length === 0) return undefined;
  const chosen = new Set<string>();
  for (const p of patterns) {
    const re = new RegExp(`^${p.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    const hits = known.filter((id) => re.test(`tenant-${id}`) || re.test(id));
    if (hits.length === 0) problems.push(`no tenant matches "${p}"; tenants: ${known.join(', ') || '(none)'}`);
    hits.forEach((h) => chosen.add(h));
  }
  return [...chosen].sort();
}

async function main(): Promise<number> {
  const c = argCursor(process.argv.slice(2));
  const patterns: string[] = [];
  for (let a = c.next(); a !== undefined; a = c.next()) {
    if (a === '-h' || a === '--help') return printUsage(USAGE, USAGE);
    if (a.startsWith('-')) c.problems.push(`unknown option "${a}"`);
    else patterns.push(a);
  }
  const args = parsed(c, patterns, USAGE);
  if (typeof args === 'string') return printUsage(args, USAGE);
  const dir = tenantsDir();
  const known = tenantFilesIn(dir).map((f) => path.basename(f).replace(/\.ya?ml$/, '')).sort();
  const problems: string[] = [];
  const tenants = selectTenants(args, known, problems);
  if (problems.length) {
    console.error(`adopt: ${problems.join('\nadopt: ')}`);
    return 2;
  }
  try {
    const tools = toolchain(process.env);
    const results = await adoptTenants({
      projectDir: process.cwd(),
      tenantsDir: dir,
      tenants,
      env: tools.env,
      tofuBin: tools.tofu,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    for (const r of results) {
      if (r.error !== undefined) console.error(`adopt: tenant-${r.tenant}: could not check: ${r.error}`);
      for (const a of r.adopted) console.log(`adopt: tenant-${r.tenant}: adopted ${a.address} (${a.name}), created by an earlier deploy that did not record it`);
      for (const x of r.refused) console.error(`adopt: tenant-${r.tenant}: ${x.address}: ${x.reason}`);
    }
    const adopted = results.reduce((n, r) => n + r.adopted.length, 0);
    const code = adoptExitCode(results);
    process.stderr.write(`adopt: ${results.length} tenant(s) checked, ${adopted} resource(s) adopted; exit ${code}\n`);
    return code;
  } catch (e) {
    console.error(`adopt: ${(e as Error).message}`);
    return 2;
  }
}

main().then((code) => { process.exitCode = code; });
