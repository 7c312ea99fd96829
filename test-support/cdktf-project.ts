/**
 * A throw-away copy of the project's deploy setup for end-to-end tests and
 * benchmarks: a temp directory with a cdktf.json whose app is this repo's
 * `scripts/run.js main.ts`, its own tenants/ folder and its own state/, so
 * that `cdktf deploy` runs exactly as `npm run deploy` does (same app, same
 * `--skip-provider-lock`, same toolchain environment) without touching the
 * repo's cdktf.out/ or state/.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { finished } from './process';
import { stackName } from '../lib/naming';
import { DUMMY_TOKEN, HcloudApiOptions } from '../local-cloud/index';
import { runTofu, serializedInit, TofuResult } from './tofu-async';

/**
 * The repository root: the nearest directory above this file with a
 * cdktf.json (also right when scripts/run.js bundled this file into
 * node_modules/.cache/run).
 */
export function findRepoRoot(start = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'cdktf.json')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

export const REPO_ROOT = findRepoRoot();

/**
 * How the local API behaves in end-to-end runs unless a test says otherwise:
 * every action reports `running` on the first read and `success` on the next,
 * as Hetzner's do, so the provider's waiting on actions is exercised instead
 * of skipped (with 0, every action is done at once). One poll costs the
 * provider about 1.5 s per waited action (its backoff starts at 500 ms).
 */
export const E2E_API_OPTIONS: HcloudApiOptions = { actionPolls: 1 };

export interface CdktfRunOptions {
  /** Called with the cdktf process (its own process group) right after spawn. */
  readonly onSpawn?: (child: ChildProcess) => void;
  readonly env?: Record<string, string>;
}

export interface CdktfProject {
  readonly dir: string;
  readonly tenantsDir: string;
  readonly env: Record<string, string>;
  /** Copies a tenant file (or the platform file) from the repo's tenants/. */
  copyTenant(file: string): void;
  /** Writes a tenant file with this text. */
  writeTenant(file: string, text: string): void;
  removeTenant(file: string): void;
  /** Runs the cdktf CLI (`deploy`, `destroy`, `diff`) in the project. */
  cdktf(args: readonly string[], opts?: CdktfRunOptions): Promise<TofuResult>;
  /** `npm run deploy -- <args>` in the project (scripts/deploy.sh: adopt, then cdktf deploy). */
  deploy(args: readonly string[], opts?: CdktfRunOptions): Promise<TofuResult>;
  /**
   * `npm run synth`'s command (`node scripts/run.js main.ts`) in the project.
   * (`cdktf synth` refuses to run without a .gen/ in the project directory;
   * `cdktf deploy` does not.)
   */
  synth(): Promise<TofuResult>;
  /** The synthesized stack directory of a tenant. */
  stackDir(tenantId: string): string;
  /** Runs tofu in a tenant's stack directory (after a synth). */
  tofu(tenantId: string, args: readonly string[]): Promise<TofuResult>;
  remove(): void;
}

/** Pids of every descendant of `pid` (Linux /proc), children before grandchildren. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may contain spaces, so parse after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  let frontier = [pid];
  while (frontier.length) {
    const next = [...parent].filter(([, pp]) => frontier.includes(pp)).map(([p]) => p);
    out.push(...next);
    frontier = next;
  }
  return out;
}

/**
 * Kills a cdktf run the hard way: the cdktf process and every process below
 * it (tofu, the provider). cdktf starts tofu in a session of its own, so
 * killing cdktf's process group alone would leave tofu running to the end.
 */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): number[] {
  if (child.pid === undefined) return [];
  const pids = [child.pid, ...descendants(child.pid)];
  for (const p of pids.reverse()) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
  return pids;
}

export function cdktfProject(apiUrl: string, prefix = 'cdktf-e2e-'): CdktfProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const tenantsDir = path.join(dir, 'tenants');
  fs.mkdirSync(tenantsDir);
  const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdktf.json'), 'utf8'));
  config.app = `node ${path.join(REPO_ROOT, 'scripts', 'run.js')} main.ts`;
  fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify(config, null, 2));
  const env: Record<string, string> = {
    HCLOUD_ENDPOINT: apiUrl,
    HCLOUD_TOKEN: DUMMY_TOKEN,
    TENANTS_DIR: tenantsDir,
    CI: '1',
    FORCE_COLOR: '0',
    CHECKPOINT_DISABLE: '1',
  };
  const cdktfBin = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf');
  const run = (bin: string, args: readonly string[], opts: CdktfRunOptions): Promise<TofuResult> => {
    const child = spawn(bin, [...args], {
      cwd: dir,
      env: { ...process.env, ...env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    opts.onSpawn?.(child);
    return finished(child).then((r) => ({ ...r, stdout: stripAnsi(r.stdout), stderr: stripAnsi(r.stderr) }));
  };
  return {
    dir,
    tenantsDir,
    env,
    copyTenant(file) {
      fs.copyFileSync(path.join(REPO_ROOT, 'tenants', file), path.join(tenantsDir, file));
    },
    writeTenant(file, text) {
      fs.writeFileSync(path.join(tenantsDir, file), text);
    },
    removeTenant(file) {
      fs.rmSync(path.join(tenantsDir, file), { force: true });
    },
    cdktf(args, opts = {}) {
      return run(cdktfBin, args, opts);
    },
    deploy(args, opts = {}) {
      return run('bash', [path.join(REPO_ROOT, 'scripts', 'deploy.sh'), ...args], opts);
    },
    synth() {
      const started = Date.now();
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'main.ts'], {
        cwd: dir,
        env: { ...process.env, ...env, CDKTF_OUTDIR: path.join(dir, 'cdktf.out') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return finished(child, started);
    },
    stackDir: (tenantId) => path.join(dir, 'cdktf.out', 'stacks', stackName(tenantId)),
    tofu(tenantId, args) {
      const stack = path.join(dir, 'cdktf.out', 'stacks', stackName(tenantId));
      const flags = ['init', 'plan', 'apply', 'destroy'].includes(args[0]) ? ['-input=false', '-no-color'] : [];
      if (args[0] === 'init') return serializedInit(stack, [...args, ...flags], { env });
      return runTofu(stack, [...args, ...flags], { env });
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
