/**
 * The base revision's stacks, synthesized by the base's own code, so that
 * they can be compared with the stacks here: the base tree is exported
 * (`git archive`) into a scratch directory, given this checkout's installed
 * packages (only when `package-lock.json` is the same: other packages could
 * synthesize other JSON) and provider bindings (`.gen/`, regenerated there
 * when the provider schemas differ), and its app runs there as `npm run
 * synth` runs it: `node scripts/run.js main.ts`, with the post-apply step
 * off, as the review synthesizes.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { exportCommit } from './git';

export interface SynthesizedStack {
  readonly stackDir: string;
  /** The parsed `cdk.tf.json`. */
  readonly json: unknown;
}

export type RevisionStacks =
  | {
      readonly ok: true;
      /** The project directory inside the exported tree (its state paths are relative to it). */
      readonly projectDir: string;
      readonly stacks: ReadonlyMap<string, SynthesizedStack>;
    }
  | { readonly ok: false; readonly error: string };

export interface BaseStacksOptions {
  /** This project (its node_modules and .gen are lent to the base tree). */
  readonly projectDir: string;
  readonly commit: string;
  /** Tenants directory relative to the project. @default tenants */
  readonly tenantsDir?: string;
  /** Scratch directory (replaced): the exported tree and its output. */
  readonly scratch: string;
  /** Give up on the base's synth after this long. @default 300000 (5 minutes) */
  readonly timeoutMs?: number;
}

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);

/** The provider schema files of a project, by name: the input of `.gen/`. */
function schemas(projectDir: string): string {
  const dir = path.join(projectDir, 'providers', 'schemas');
  if (!fs.existsSync(dir)) return '';
  return fs.readdirSync(dir).sort().map((f) => `${f}\n${read(path.join(dir, f))}`).join('\n');
}

/**
 * The base tree gets a node_modules of its own whose entries link to ours:
 * not a link to ours as a whole, because scripts/run.js caches its bundles in
 * node_modules/.cache, and the base's bundle of main.ts must not replace ours.
 */
export function lendPackages(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from)) {
    if (entry === '.cache') continue;
    fs.symlinkSync(path.join(from, entry), path.join(to, entry));
  }
}

/** The end of a child's output, for an error message. */
function tail(e: unknown): string {
  const err = e as { stderr?: Buffer | string; stdout?: Buffer | string; message: string };
  const text = `${err.stderr ?? ''}\n${err.stdout ?? ''}`.trim() || err.message;
  return text.split('\n').slice(-15).join('\n');
}

/** Every stack under `<outdir>/stacks`, by tenant id. */
export function readStacks(outdir: string): Map<string, SynthesizedStack> {
  const stacks = new Map<string, SynthesizedStack>();
  const dir = path.join(outdir, 'stacks');
  if (!fs.existsSync(dir)) return stacks;
  for (const name of fs.readdirSync(dir).sort()) {
    const m = /^tenant-(.+)$/.exec(name);
    const file = path.join(dir, name, 'cdk.tf.json');
    if (!m || !fs.existsSync(file)) continue;
    stacks.set(m[1], { stackDir: path.join(dir, name), json: JSON.parse(fs.readFileSync(file, 'utf8')) });
  }
  return stacks;
}

/** Synthesizes every tenant of the base revision with the base's own app. */
export function baseStacks(o: BaseStacksOptions): RevisionStacks {
  const tenantsDir = o.tenantsDir ?? 'tenants';
  fs.rmSync(o.scratch, { recursive: true, force: true });
  fs.mkdirSync(o.scratch, { recursive: true });
  const root = exportCommit(o.projectDir, o.commit, path.join(o.scratch, 'tree'));

  if (!fs.existsSync(path.join(root, 'main.ts')) || !fs.existsSync(path.join(root, 'scripts', 'run.js'))) {
    return { ok: false, error: 'the base revision has no CDKTF app (main.ts, scripts/run.js) in this directory' };
  }
  if (read(path.join(root, 'package-lock.json')) !== read(path.join(o.projectDir, 'package-lock.json'))) {
    return { ok: false, error: 'package versions differ from the base (package-lock.json), so its stacks cannot be synthesized with the packages installed here' };
  }
  const modules = path.join(o.projectDir, 'node_modules');
  if (!fs.existsSync(modules)) return { ok: false, error: `no ${modules}: run npm ci first` };
  lendPackages(modules, path.join(root, 'node_modules'));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TENANTS_DIR: path.join(root, tenantsDir),
    CDKTF_OUTDIR: path.join(o.scratch, 'out'),
    POST_APPLY: 'off',
  };
  delete env.TENANTS;
  const run = (args: string[]) =>
    execFileSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: o.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 });
  try {
    const gen = path.join(o.projectDir, '.gen');
    if (fs.existsSync(gen) && schemas(root) === schemas(o.projectDir)) fs.symlinkSync(gen, path.join(root, '.gen'));
    else run(['scripts/get-bindings.js']);
    run(['scripts/run.js', 'main.ts']);
  } catch (e) {
    return { ok: false, error: `synthesis at the base failed:\n${tail(e)}` };
  }
  return { ok: true, projectDir: root, stacks: readStacks(path.join(o.scratch, 'out')) };
}
