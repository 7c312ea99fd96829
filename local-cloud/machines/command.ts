/**
 * Running host commands for the machine layer (ip, nft, losetup, mount,
 * systemd-nspawn helpers): `sh` throws with the command and its stderr, so a
 * failure says which step of making a machine went wrong; `trySh` is for
 * cleanup, where "already gone" is fine.
 */
import { spawn } from 'child_process';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  /** Written to standard input, then closed. */
  readonly input?: string;
  /** Killed (SIGKILL) after this long. @default 60000 */
  readonly timeoutMs?: number;
}

export class CommandError extends Error {
  constructor(readonly command: string, readonly result: CommandResult) {
    super(`${command} exited ${result.code}: ${(result.stderr.trim() || result.stdout.trim()).slice(0, 800)}`);
    this.name = 'CommandError';
  }
}

export function trySh(cmd: string, args: readonly string[], opts: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `cannot run ${cmd}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export async function sh(cmd: string, args: readonly string[], opts: CommandOptions = {}): Promise<CommandResult> {
  const r = await trySh(cmd, args, opts);
  if (r.code !== 0) throw new CommandError(`${cmd} ${args.join(' ')}`.slice(0, 300), r);
  return r;
}

/** `ip -batch -` in a namespace (or the host when ns is undefined): one process for many changes. */
export function ipBatch(ns: string | undefined, lines: readonly string[]): Promise<CommandResult> {
  if (lines.length === 0) return Promise.resolve({ code: 0, stdout: '', stderr: '' });
  return sh('ip', [...(ns ? ['-n', ns] : []), '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

/** `nft -f -` inside a namespace. */
export function nft(ns: string, script: string): Promise<CommandResult> {
  return sh('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: script });
}
