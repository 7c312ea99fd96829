/**
 * Runs ansible-playbook from the repository's ansible/ directory with an
 * isolated environment (temporary HOME and Ansible temp dirs, no age or sops
 * key variables inherited from the developer's shell) and parses the PLAY
 * RECAP, so tests can assert "changed=0" per tenant.
 */
import * as fs from 'fs';
import * as path from 'path';
import { run, toolsEnv } from './ansible-proc';

/** The repository root: the nearest directory above this file (or, when bundled, the working directory) with ansible/ansible.cfg. */
function findRepoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'ansible', 'ansible.cfg')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`cannot find the repository root (a directory with ansible/ansible.cfg) above ${__dirname} or ${process.cwd()}`);
}

export const REPO_ROOT = findRepoRoot();
export const ANSIBLE_DIR = path.join(REPO_ROOT, 'ansible');

export interface Recap {
  readonly ok: number;
  readonly changed: number;
  readonly unreachable: number;
  readonly failed: number;
  readonly skipped: number;
  readonly rescued: number;
  readonly ignored: number;
}

export interface PlaybookRun {
  readonly code: number;
  /** stdout and stderr together, in that order. */
  readonly output: string;
  readonly durationMs: number;
  /** PLAY RECAP per host. */
  readonly recap: Record<string, Recap>;
}

export interface PlaybookOptions {
  /** Relative to ansible/, e.g. "playbooks/site.yml". */
  readonly playbook: string;
  readonly inventory: string;
  /** Scratch directory for HOME and Ansible's temp files. */
  readonly workDir: string;
  /** Added to the environment (store credentials, ...). */
  readonly env?: Record<string, string>;
  readonly extraVars?: Record<string, unknown>;
  readonly tags?: readonly string[];
  readonly skipTags?: readonly string[];
  readonly limit?: string;
  /** @default 600000 */
  readonly timeoutMs?: number;
  /** Network namespace to run Ansible in (the control node of a server test). @default this machine's */
  readonly netns?: string;
}

/** Variables from the developer's shell that would change which keys sops uses. */
const SCRUBBED = ['SOPS_AGE_KEY', 'SOPS_AGE_KEY_FILE', 'SOPS_AGE_KEY_CMD', 'SOPS_AGE_KEY_DIR', 'SOPS_AGE_RECIPIENTS', 'SOPS_AGE_SSH_PRIVATE_KEY_FILE'];

/** The environment the harness runs Ansible (and sops) in. */
export function ansibleEnv(workDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = path.join(workDir, 'home');
  const tmp = path.join(workDir, 'ansible-tmp');
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = { ...toolsEnv() };
  for (const k of Object.keys(env)) if (SCRUBBED.includes(k) || k.startsWith('PLATFORM_') || k.startsWith('ANSIBLE_')) delete env[k];
  return {
    ...env,
    HOME: home,
    ANSIBLE_CONFIG: path.join(ANSIBLE_DIR, 'ansible.cfg'),
    ANSIBLE_HOME: path.join(home, '.ansible'),
    ANSIBLE_LOCAL_TEMP: tmp,
    ANSIBLE_REMOTE_TEMP: tmp,
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_STDOUT_CALLBACK: 'default',
    ANSIBLE_DEPRECATION_WARNINGS: '0',
    MC_CONFIG_DIR: path.join(home, '.mc'),
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
}

/** Parses "host : ok=3 changed=1 unreachable=0 failed=0 skipped=2 rescued=0 ignored=0". */
export function parseRecap(output: string): Record<string, Recap> {
  const recap: Record<string, Recap> = {};
  const start = output.lastIndexOf('PLAY RECAP');
  if (start < 0) return recap;
  for (const line of output.slice(start).split('\n').slice(1)) {
    const m = /^(\S+)\s*:\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const counts: Record<string, number> = {};
    for (const [, k, v] of m[2].matchAll(/(\w+)=(\d+)/g)) counts[k] = Number(v);
    if (!('ok' in counts)) continue;
    recap[m[1]] = {
      ok: counts.ok ?? 0,
      changed: counts.changed ?? 0,
      unreachable: counts.unreachable ?? 0,
      failed: counts.failed ?? 0,
      skipped: counts.skipped ?? 0,
      rescued: counts.rescued ?? 0,
      ignored: counts.ignored ?? 0,
    };
  }
  return recap;
}

export async function runPlaybook(o: PlaybookOptions): Promise<PlaybookRun> {
  const args = [o.playbook, '-i', o.inventory];
  if (o.extraVars) args.push('-e', JSON.stringify(o.extraVars));
  if (o.tags?.length) args.push('--tags', o.tags.join(','));
  if (o.skipTags?.length) args.push('--skip-tags', o.skipTags.join(','));
  if (o.limit) args.push('--limit', o.limit);
  const [cmd, argv] = o.netns ? ['ip', ['netns', 'exec', o.netns, 'ansible-playbook', ...args]] : ['ansible-playbook', args];
  const r = await run(cmd, argv, { cwd: ANSIBLE_DIR, env: ansibleEnv(o.workDir, o.env), timeoutMs: o.timeoutMs ?? 600_000 });
  const output = `${r.stdout}${r.stderr ? `\n--- stderr ---\n${r.stderr}` : ''}`;
  return { code: r.code, output, durationMs: r.durationMs, recap: parseRecap(r.stdout) };
}

/** The names of the tasks that reported "changed", for a readable failure message. */
export function changedTasks(output: string): string[] {
  const out: string[] = [];
  let task = '';
  for (const line of output.split('\n')) {
    const t = /^TASK \[(.*)\] \*+/.exec(line);
    if (t) task = t[1];
    else if (/^changed: /.test(line)) out.push(`${task}: ${line}`);
  }
  return out;
}

/** Text with every run of whitespace made one space: Ansible's YAML output folds long messages. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** The failure messages (fatal/failed lines and what follows them) of a run. */
export function failures(output: string): string {
  const lines = output.split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (/^(fatal|failed):/.test(l)) out.push(lines.slice(i, i + 12).join('\n'));
  });
  return out.join('\n');
}
