/**
 * npm run plan-review -- [--base <ref>] [--out plan-review.md] [--parallel N]
 *
 * Plans the tenants a change touches and writes the review as markdown (also
 * printed). Exit code: 0 clean, 1 policy violated, 2 review incomplete (a
 * tenant could not be synthesized or planned), 64 bad usage.
 * See review/README.md.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderReview } from '../review/markdown';
import { argCursor, parsed, printUsage } from './args';
import { loadPriceTable, shippedPriceTable } from '../review/prices';
import { exitCode } from '../review/result';
import { runReview } from '../review/review';
import { toolchain } from '../review/toolchain';

const USAGE = `usage: npm run plan-review -- [options]

  --base <ref>        compare with the merge base of <ref> and HEAD (default: main, else origin/main)
  --out <file>        markdown output (default: plan-review.md)
  --json <file>       also write the review as JSON
  --parallel <n>      plans at a time (default: CPU count, here ${os.cpus().length})
  --outdir <dir>      where the stacks are synthesized (default: cdktf.out/review)
  --prices <file>     price table (default: review/prices.json)
  --max-chars <n>     cut the markdown below n characters (default: 65000; GitHub allows 65535)
  --refresh           refresh state against the API (default: only when HCLOUD_TOKEN is set)
  --no-refresh        never refresh (plan against state as stored)
  --quiet             do not print the markdown

exit: 0 clean, 1 policy violated, 2 some tenant could not be planned, 64 usage error`;

interface Args {
  base?: string;
  out: string;
  json?: string;
  parallel?: number;
  outdir?: string;
  prices?: string;
  maxChars?: number;
  refresh?: boolean;
  quiet: boolean;
}

function parseArgs(argv: readonly string[]): Args | string {
  const a: Args = { out: 'plan-review.md', quiet: false };
  const c = argCursor(argv);
  for (let flag = c.next(); flag !== undefined; flag = c.next()) {
    switch (flag) {
      case '--base': a.base = c.value(flag); break;
      case '--out': a.out = c.value(flag); break;
      case '--json': a.json = c.value(flag); break;
      case '--parallel': a.parallel = c.positiveInt(flag); break;
      case '--outdir': a.outdir = c.value(flag); break;
      case '--prices': a.prices = c.value(flag); break;
      case '--max-chars': a.maxChars = c.positiveInt(flag); break;
      case '--refresh': a.refresh = true; break;
      case '--no-refresh': a.refresh = false; break;
      case '--quiet': a.quiet = true; break;
      case '-h': case '--help': return USAGE;
      default: c.problems.push(`unknown option "${flag}"`);
    }
  }
  return parsed(c, a, USAGE);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') return printUsage(args, USAGE);
  const projectDir = process.cwd();
  try {
    const tools = toolchain(process.env);
    const prices = args.prices ? loadPriceTable(args.prices) : shippedPriceTable();
    const result = await runReview({
      projectDir,
      base: args.base,
      parallel: args.parallel,
      outdir: args.outdir ? path.resolve(args.outdir) : undefined,
      prices,
      env: tools.env,
      tofuBin: tools.tofu,
      refresh: args.refresh,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const md = renderReview(result, { maxChars: args.maxChars });
    fs.writeFileSync(args.out, md);
    if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
    if (!args.quiet) process.stdout.write(md);
    const code = exitCode(result);
    process.stderr.write(`plan-review: wrote ${args.out}; exit ${code}${code === 1 ? ' (policy violated)' : code === 2 ? ' (incomplete review)' : ''}\n`);
    return code;
  } catch (e) {
    console.error(`plan-review: ${(e as Error).message}`);
    return 2;
  }
}

main().then((code) => { process.exitCode = code; });
