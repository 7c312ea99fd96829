/**
 * npm run drift -- [tenant...] [--out drift.md] [--json file] [--parallel N] [--quiet]
 *
 * Compares each deployed tenant's live resources with its OpenTofu state
 * (refresh-only plans) and writes the report as markdown (also printed).
 * Exit code: 0 no drift, 1 drift, 2 some tenant could not be checked, 64 bad
 * usage. See review/README.md ("Drift").
 */
import * as fs from 'fs';
import * as os from 'os';
import { checkDrift } from '../drift/check-drift';
import { argCursor, parsed, printUsage } from './args';
import { renderDrift } from '../drift/markdown';
import { driftExitCode } from '../drift/result';
import { tenantsDir } from '../app/tenant-files';
import { toolchain } from '../review/toolchain';

const USAGE = `usage: npm run drift -- [tenant...] [options]

  tenant...           tenant ids or stack names (acme, tenant-acme); default: every tenant file
  --out <file>        markdown output (default: drift.md)
  --json <file>       also write the result as JSON
  --parallel <n>      plans at a time (default: CPU count, here ${os.cpus().length})
  --quiet             do not print the markdown

Needs HCLOUD_TOKEN (HCLOUD_ENDPOINT honoured), and a bring-your-own-project
tenant's own token variable.
exit: 0 no drift, 1 drift, 2 some tenant could not be checked, 64 usage error`;

interface Args { tenants: string[]; out: string; json?: string; parallel?: number; quiet: boolean }

function parseArgs(argv: readonly string[]): Args | string {
  const a: Args = { tenants: [], out: 'drift.md', quiet: false };
  const c = argCursor(argv);
  for (let flag = c.next(); flag !== undefined; flag = c.next()) {
    switch (flag) {
      case '--out': a.out = c.value(flag); break;
      case '--json': a.json = c.value(flag); break;
      case '--parallel': a.parallel = c.positiveInt(flag); break;
      case '--quiet': a.quiet = true; break;
      case '-h': case '--help': return USAGE;
      default:
        if (flag.startsWith('-')) c.problems.push(`unknown option "${flag}"`);
        else a.tenants.push(flag);
    }
  }
  return parsed(c, a, USAGE);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') return printUsage(args, USAGE);
  try {
    const tools = toolchain(process.env);
    const result = await checkDrift({
      projectDir: process.cwd(),
      tenantsDir: tenantsDir(),
      tenants: args.tenants.length ? args.tenants : undefined,
      parallel: args.parallel,
      env: tools.env,
      tofuBin: tools.tofu,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const md = renderDrift(result);
    fs.writeFileSync(args.out, md);
    if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
    if (!args.quiet) process.stdout.write(md);
    const code = driftExitCode(result);
    process.stderr.write(`drift: wrote ${args.out}; exit ${code}${code === 1 ? ' (drift)' : code === 2 ? ' (some tenant could not be checked)' : ''}\n`);
    return code;
  } catch (e) {
    console.error(`drift: ${(e as Error).message}`);
    return 2;
  }
}

main().then((code) => { process.exitCode = code; });
