/**
 * A copy of this project in a temporary git repository, for tests and
 * benchmarks of the plan review, which synthesizes the base revision with the
 * base's own code: every file git would track here (tests left out), chosen
 * tenant files, one commit on `main`, then work on branch `pr`. The installed
 * packages and provider bindings are lent (linked), never copied or written.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lendPackages } from '../review/base-stacks';
import { findRepoRoot } from './cdktf-project';

const ROOT = findRepoRoot();

export interface ProjectRepo {
  readonly dir: string;
  /** Runs git in the copy; returns stdout. */
  git(...args: string[]): string;
  /** Commits everything on the current branch. */
  commit(message: string): void;
  remove(): void;
}

export interface ProjectRepoOptions {
  /** Tenant files copied from tenants/ (the platform file always is). @default the example tenants */
  readonly tenants?: readonly string[];
  /** Writes more tenant files: name -> text. @default none */
  readonly extraTenants?: Readonly<Record<string, string>>;
  /** Paths git ignores in the copy, beyond the project's .gitignore. @default none */
  readonly ignore?: readonly string[];
  /** @default project-repo- */
  readonly prefix?: string;
}

export function projectRepo(o: ProjectRepoOptions = {}): ProjectRepo {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), o.prefix ?? 'project-repo-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.startsWith('__tests__/') && !f.startsWith('tenants/') && fs.existsSync(path.join(ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  fs.mkdirSync(path.join(dir, 'tenants'));
  for (const f of ['_platform.yaml', ...(o.tenants ?? ['acme.yaml', 'globex.yaml', 'initech.yaml'])]) {
    fs.copyFileSync(path.join(ROOT, 'tenants', f), path.join(dir, 'tenants', f));
  }
  for (const [name, text] of Object.entries(o.extraTenants ?? {})) fs.writeFileSync(path.join(dir, 'tenants', name), text);
  lendPackages(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(ROOT, '.gen'), path.join(dir, '.gen'));

  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const commit = (message: string) => {
    git('add', '-A');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '--allow-empty', '-m', message);
  };
  git('init', '-q', '-b', 'main');
  fs.appendFileSync(path.join(dir, '.git', 'info', 'exclude'), ['node_modules', '.gen', ...(o.ignore ?? [])].join('\n') + '\n');
  commit('fleet');
  git('checkout', '-q', '-b', 'pr');
  return { dir, git, commit, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
