/**
 * The control node's SSH to a server: key-only, non-interactive, no host
 * key pinning (servers are rebuilt with new keys; the probe trusts the API's
 * address, not the host key), with a time limit.
 */
import { spawn } from 'child_process';
import { shellWord } from '../../lib/shell-quote';

export interface SshTarget {
  readonly host: string;
  /** Private key file. */
  readonly keyFile: string;
  /** @default root */
  readonly user?: string;
  /** A host to reach `host` through (an offline tenant's jump host), with the same key and user. @default - direct */
  readonly jump?: string;
}

export interface SshResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** ssh reads %h, %p, ... in a ProxyCommand as its own tokens: a literal % is %%. */
const proxyWord = (w: string) => shellWord(w).replace(/%/g, '%%');

export function sshArgs(t: SshTarget): string[] {
  const options = [
    '-i',
    t.keyFile,
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'ConnectTimeout=10',
  ];
  const user = t.user ?? 'root';
  // A ProxyCommand rather than -J: ssh passes neither -i nor -o options to a ProxyJump connection.
  const proxy = t.jump ? ['-o', `ProxyCommand=${[...['ssh', ...options].map(proxyWord), '-W', '%h:%p', proxyWord(`${user}@${t.jump}`)].join(' ')}`] : [];
  return [...options, ...proxy, `${user}@${t.host}`];
}

/** Runs `command` on the server (through its login shell); `input` goes to its stdin. */
export function ssh(t: SshTarget, command: string, input = '', timeoutMs = 60_000): Promise<SshResult> {
  return new Promise((resolve) => {
    const child = spawn('ssh', [...sshArgs(t), command], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 255, stdout, stderr: `cannot run ssh: ${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 255, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
