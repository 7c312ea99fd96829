/**
 * Runs the real `tofu` (with the real hcloud provider from the offline mirror
 * that scripts/install-tools.sh builds) in a temporary directory against a
 * local API. Asynchronous on purpose: the API usually runs in the same Node
 * process, and a blocking spawnSync would starve it.
 *
 * Needs `. scripts/tools-env.sh` (tofu on PATH, TF_CLI_CONFIG_FILE).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { finished } from './process';
import cdktfConfig from '../cdktf.json';
import { DUMMY_TOKEN } from '../lib/hetzner';

// The provider as cdktf.json pins it; __tests__/unit/pins.test.ts keeps the other pins equal.
const [hcloudProvider] = cdktfConfig.terraformProviders;
export const HCLOUD_SOURCE = hcloudProvider.source;
export const HCLOUD_VERSION = hcloudProvider.version;

export interface TofuResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Why tofu cannot run here, or undefined when it can. */
export function tofuProblem(): string | undefined {
  const rc = process.env.TF_CLI_CONFIG_FILE;
  if (!rc || !fs.existsSync(rc)) return 'TF_CLI_CONFIG_FILE is not set or missing: run `. scripts/tools-env.sh` (after `npm run tools`)';
  const found = (process.env.PATH ?? '').split(path.delimiter).some((d) => fs.existsSync(path.join(d, 'tofu')));
  if (!found) return 'tofu is not on PATH: run `. scripts/tools-env.sh` (after `npm run tools`)';
  return undefined;
}

export interface RunOptions {
  readonly env?: Record<string, string>;
  /** Send SIGKILL this many ms after start (to simulate a killed deploy). */
  readonly killAfterMs?: number;
  /** Called with the child right after spawn. */
  readonly onSpawn?: (child: ChildProcess) => void;
}

export function runTofu(dir: string, args: readonly string[], opts: RunOptions = {}): Promise<TofuResult> {
  const child = spawn('tofu', [...args], {
    cwd: dir,
    env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  opts.onSpawn?.(child);
  const timer = opts.killAfterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs) : undefined;
  return finished(child).finally(() => timer && clearTimeout(timer));
}

/** The provider requirement every hand-written test configuration starts with. */
export function providerBlock(): Record<string, unknown> {
  return {
    terraform: { required_providers: { hcloud: { source: HCLOUD_SOURCE, version: HCLOUD_VERSION } } },
    // poll_interval: the local API answers at once; the default 500ms would only slow tests down.
    provider: { hcloud: { poll_interval: '50ms' } },
  };
}

/**
 * `tofu init` runs one at a time in this process: the shared plugin cache
 * (plugin_cache_dir in the CLI config) is not safe for concurrent installs
 * ("... is still not detected in .../plugin-cache; this is a bug in OpenTofu").
 */
let initQueue: Promise<unknown> = Promise.resolve();
export function serializedInit(dir: string, args: readonly string[], opts: RunOptions = {}): Promise<TofuResult> {
  const run = initQueue.then(() => runTofu(dir, args, opts));
  initQueue = run.catch(() => undefined);
  return run;
}

export interface TofuWorkspace {
  readonly dir: string;
  /** HCLOUD_ENDPOINT, HETZNER_ENDPOINT (Storage Boxes) and HCLOUD_TOKEN for this API. */
  readonly env: Record<string, string>;
  /** Writes main.tf.json (the provider block is added). */
  write(resources: Record<string, unknown>, extra?: Record<string, unknown>): void;
  init(): Promise<TofuResult>;
  apply(opts?: RunOptions): Promise<TofuResult>;
  /** `plan -detailed-exitcode`: code 0 = no changes, 2 = changes, 1 = error. */
  plan(): Promise<TofuResult>;
  destroy(): Promise<TofuResult>;
  /** `tofu show -json` values: every resource address with its id. */
  managed(): Promise<{ address: string; type: string; id: string }[]>;
  /** Points the workspace at another API (a restarted server on a new port). */
  retarget(url: string): void;
  remove(): void;
}

export function tofuWorkspace(url: string, prefix = 'hcloud-api-'): TofuWorkspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const env: Record<string, string> = { HCLOUD_ENDPOINT: url, HETZNER_ENDPOINT: url, HCLOUD_TOKEN: DUMMY_TOKEN };
  const flags = ['-input=false', '-no-color'];
  const ws: TofuWorkspace = {
    dir,
    env,
    write(resources, extra = {}) {
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ ...providerBlock(), ...extra, resource: resources }, null, 1));
    },
    init: () => serializedInit(dir, ['init', ...flags], { env }),
    apply: (opts = {}) => runTofu(dir, ['apply', '-auto-approve', ...flags], { ...opts, env: { ...env, ...opts.env } }),
    plan: () => runTofu(dir, ['plan', '-detailed-exitcode', ...flags], { env }),
    destroy: () => runTofu(dir, ['destroy', '-auto-approve', ...flags], { env }),
    async managed() {
      const r = await runTofu(dir, ['show', '-json'], { env });
      if (r.code !== 0) throw new Error(`tofu show failed: ${r.stderr}`);
      const doc = JSON.parse(r.stdout);
      const out: { address: string; type: string; id: string }[] = [];
      const walk = (m: any) => {
        for (const res of m?.resources ?? []) out.push({ address: res.address, type: res.type, id: String(res.values?.id) });
        for (const c of m?.child_modules ?? []) walk(c);
      };
      walk(doc.values?.root_module);
      return out;
    },
    retarget(newUrl) {
      env.HCLOUD_ENDPOINT = newUrl;
      env.HETZNER_ENDPOINT = newUrl;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return ws;
}

/** Throws with tofu's output when a run did not end as expected. */
export function expectExit(r: TofuResult, code: number, what: string): void {
  if (r.code !== code) {
    throw new Error(`${what}: tofu exited ${r.code ?? r.signal}, expected ${code}\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`);
  }
}
