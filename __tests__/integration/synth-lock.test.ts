/**
 * One synth at a time per output directory, with real synth processes (no
 * external tool; here because they take seconds): a lock
 * (`<outdir>.lock`, holding the pid) makes a second synth fail naming the
 * first; a lock or staging directory left by a dead synth is taken over or
 * removed; an output directory that cannot be replaced is reported before
 * anything is written, never after.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateFleet } from '../../bench/fleet-generator';
import { REPO_ROOT } from '../../test-support/fleet';
import { deadPid, killLivePids, livePid } from '../../test-support/pids';
import { finished } from '../../test-support/process';
import { runEntry } from '../../test-support/run-entry';

let work: string;
let outdir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-lock-'));
  outdir = path.join(work, 'cdktf.out');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  killLivePids();
  fs.rmSync(work, { recursive: true, force: true });
});

const synth = (env: Record<string, string | undefined> = {}) => runEntry('main.ts', [], { TENANTS: undefined, CDKTF_OUTDIR: outdir, ...env });

function previousOutput(): string {
  fs.mkdirSync(path.join(outdir, 'stacks', 'tenant-old'), { recursive: true });
  const marker = path.join(outdir, 'stacks', 'tenant-old', 'cdk.tf.json');
  fs.writeFileSync(marker, '{"previous": true}');
  return marker;
}

/** What is beside the output directory (lock, staging, old copies) and the stacks in it. */
const siblings = () => fs.readdirSync(work).sort();
const stacks = () => fs.readdirSync(path.join(outdir, 'stacks')).sort();

test('fails if another synth holds the lock: exit 1 naming its pid, the output untouched', async () => {
  const marker = previousOutput();
  const holder = livePid();
  fs.writeFileSync(`${outdir}.lock`, `${holder}\n`);
  const r = await synth();
  expect(r.stderr).toContain(`another synth (pid ${holder}) is running on ${outdir}`);
  expect(r.stderr).toContain('nothing was synthesized');
  expect(r.code).toBe(1);
  expect(fs.readFileSync(marker, 'utf8')).toBe('{"previous": true}');
  expect(fs.readFileSync(`${outdir}.lock`, 'utf8')).toBe(`${holder}\n`);
  expect(siblings()).toEqual(['cdktf.out', 'cdktf.out.lock']);
});

test('takes over the lock of a synth that died, and removes the lock when done', async () => {
  previousOutput();
  fs.writeFileSync(`${outdir}.lock`, `${deadPid()}\n`);
  const r = await synth();
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(stacks()).toEqual(['tenant-acme', 'tenant-globex', 'tenant-initech']);
  expect(siblings()).toEqual(['cdktf.out']);
});

test('removes the staging and old directories that interrupted synths left, and only those of dead processes', async () => {
  previousOutput();
  const dead = deadPid();
  const live = livePid();
  for (const d of [`staging-${dead}`, `old-${dead}`, `staging-${live}`]) fs.mkdirSync(path.join(work, `cdktf.out.${d}`, 'stacks'), { recursive: true });
  const r = await synth();
  expect(r.code).toBe(0);
  expect(siblings()).toEqual(['cdktf.out', `cdktf.out.staging-${live}`]);
});

test('after a synth is killed mid-way, the next one succeeds and nothing is left behind', async () => {
  previousOutput();
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'main.ts'], {
    cwd: REPO_ROOT, env: { ...process.env, TENANTS: undefined, CDKTF_OUTDIR: outdir } as NodeJS.ProcessEnv, stdio: 'ignore',
  });
  children.push(child);
  // Kill it once it holds the lock or stages (whichever is seen first); if it finished already, the check below still holds.
  const t0 = Date.now();
  while (child.exitCode === null && Date.now() - t0 < 20_000) {
    if (siblings().some((f) => f !== 'cdktf.out')) {
      child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await finished(child);
  const r = await synth();
  expect(r.code).toBe(0);
  expect(stacks()).toEqual(['tenant-acme', 'tenant-globex', 'tenant-initech']);
  expect(siblings()).toEqual(['cdktf.out']);
}, 30_000);

test('concurrent synths run one at a time: the others fail naming the holder, and the output is one whole synth', async () => {
  // A fleet big enough that the synths overlap (each takes over a second).
  const tenants = generateFleet(60, REPO_ROOT);
  try {
    const runs = await Promise.all([1, 2, 3].map(() => synth({ TENANTS_DIR: tenants })));
    const codes = runs.map((r) => r.code).sort();
    expect(codes[0]).toBe(0);
    expect(codes.at(-1)).toBe(1);
    for (const r of runs.filter((x) => x.code === 1)) expect(r.stderr).toMatch(/another synth \(pid \d+\) is running on /);
    expect(stacks()).toHaveLength(60);
    const manifest = fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8');
    expect(manifest).not.toContain('.staging-');
    expect(siblings()).toEqual(['cdktf.out']);
  } finally {
    fs.rmSync(tenants, { recursive: true, force: true });
  }
}, 60_000);

describe('an output directory that cannot be replaced', () => {
  const isRoot = process.getuid?.() === 0;
  /** Runs the synth as an unprivileged user (root ignores permissions), over a tree that user owns. */
  function synthUnprivileged(): { status: number | null; stderr: string } {
    // Build the bundle as ourselves first: the unprivileged user cannot write node_modules/.cache.
    spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'main.ts'], { cwd: REPO_ROOT, env: { ...process.env, TENANTS: 'none', CDKTF_OUTDIR: outdir } });
    const prefix = isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
    const argv = [...prefix, process.execPath, path.join(REPO_ROOT, 'scripts', 'run.js'), 'main.ts'];
    const r = spawnSync(argv[0], argv.slice(1), {
      cwd: REPO_ROOT, env: { ...process.env, TENANTS: undefined, CDKTF_OUTDIR: outdir, HOME: work } as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000,
    });
    return { status: r.status, stderr: r.stderr };
  }
  const own = (p: string) => { if (isRoot) spawnSync('chown', ['-R', '65534:65534', p]); };

  jest.setTimeout(30_000);
  test.each([
    ['the output directory itself', () => outdir],
    ['a directory inside it', () => path.join(outdir, 'stacks', 'tenant-old')],
  ])('fails before writing anything if %s is read-only, and says so truthfully', (_what, readOnly) => {
    const marker = previousOutput();
    fs.chmodSync(work, 0o755);
    own(work);
    fs.chmodSync(readOnly(), 0o555);
    try {
      const r = synthUnprivileged();
      expect(r.stderr).toContain(`${readOnly()} is not writable`);
      expect(r.stderr).toContain('nothing was synthesized');
      expect(r.status).toBe(1);
      expect(fs.readFileSync(marker, 'utf8')).toBe('{"previous": true}');
      expect(stacks()).toEqual(['tenant-old']);
      expect(siblings()).toEqual(['cdktf.out']);
    } finally {
      fs.chmodSync(readOnly(), 0o755);
    }
  });
});
