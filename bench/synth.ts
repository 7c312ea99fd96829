/**
 * Synthesis speed and memory: the command line on 100 tenants, growth up to
 * 1000, and the plain CDKTF way (ts-node, as in the CDKTF template) for
 * comparison. Wall time and max RSS come from /usr/bin/time.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateFleet } from './fleet-generator';

// Bundled into node_modules/.cache/run by scripts/run.js; the repo root is the cwd of npm run bench.
const ROOT = process.cwd();

interface Run { seconds: number; maxRssMb: number }

function timed(cmd: string[], env: Record<string, string>): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed:\n${r.stderr}`);
  const [seconds, kb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds, maxRssMb: Math.round(kb / 1024) };
}

function median(runs: Run[]): Run {
  const s = [...runs].sort((a, b) => a.seconds - b.seconds);
  return s[Math.floor(s.length / 2)];
}

export async function benchSynth(): Promise<string[]> {
  const lines: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    const fleet100 = generateFleet(100, ROOT);
    const env = { TENANTS_DIR: fleet100, CDKTF_OUTDIR: path.join(tmp, 'out100') };
    // Warm the esbuild bundle once, then measure what a user runs: npm run synth's command.
    timed(['node', 'scripts/run.js', 'main.ts'], env);
    const cli = median([1, 2, 3].map(() => timed(['node', 'scripts/run.js', 'main.ts'], env)));
    lines.push(`synth 100 tenants (node scripts/run.js main.ts): ${cli.seconds.toFixed(2)} s wall, ${cli.maxRssMb} MB max RSS (median of 3)`);

    const tsNode = timed(['node', 'node_modules/.bin/ts-node', 'main.ts'], { ...env, CDKTF_OUTDIR: path.join(tmp, 'out100-tsnode') });
    lines.push(`synth 100 tenants (ts-node main.ts, the CDKTF template way): ${tsNode.seconds.toFixed(2)} s wall, ${tsNode.maxRssMb} MB max RSS; ratio ${(tsNode.seconds / cli.seconds).toFixed(1)}x`);

    // Growth: shards of 250 tenants (a fleet holds at most 254: one /16 per seq).
    const shards = [0, 1, 2, 3].map((k) => generateFleet(250, ROOT, 1 + k * 250));
    for (const [n, dirs] of [[250, shards.slice(0, 1)], [500, shards.slice(0, 2)], [1000, shards]] as const) {
      const r = timed(['node', 'scripts/run.js', 'bench/synth-child.ts', path.join(tmp, `out${n}`), ...dirs], {});
      lines.push(`synth ${n} tenants (in one app): ${r.seconds.toFixed(2)} s wall, ${r.maxRssMb} MB max RSS, ${(r.seconds * 1000 / n).toFixed(1)} ms per tenant`);
    }
    for (const d of [fleet100, ...shards]) fs.rmSync(d, { recursive: true, force: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return lines;
}
