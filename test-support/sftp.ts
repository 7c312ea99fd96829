/**
 * An SFTP client session as a Storage Box user runs it: OpenSSH's sftp in
 * batch mode, password login through sshpass (the password in SSHPASS, never
 * on a command line), host keys not recorded (the test's boxes are new each
 * run). From this host, or from inside a namespace (`netns`).
 */
import { spawn } from 'child_process';

export interface SftpLogin {
  readonly host: string;
  readonly user: string;
  readonly password: string;
  /** @default 23 */
  readonly port?: number;
  /** Run inside this network namespace (`ip netns exec`). @default - this host */
  readonly netns?: string;
}

export interface SftpResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the batch `commands` (one per line; a leading `-` lets one fail without ending the batch). */
export function sftp(login: SftpLogin, commands: readonly string[], timeoutMs = 20_000): Promise<SftpResult> {
  const args = [
    '-e',
    'sftp',
    '-P',
    String(login.port ?? 23),
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR',
    '-o', 'PubkeyAuthentication=no',
    '-o', 'PreferredAuthentications=password',
    '-o', 'ConnectTimeout=5',
    // sftp -b turns on BatchMode, which forbids password prompts; sshpass answers this one.
    '-o', 'BatchMode=no',
    '-b', '-',
    `${login.user}@${login.host}`,
  ];
  const [cmd, argv] = login.netns ? ['ip', ['netns', 'exec', login.netns, 'sshpass', ...args]] : ['sshpass', args];
  return new Promise((resolve) => {
    const child = spawn(cmd, argv as string[], { env: { ...process.env, SSHPASS: login.password }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(`${commands.join('\n')}\n`);
  });
}
