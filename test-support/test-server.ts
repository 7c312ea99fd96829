/**
 * One real Debian 12 server for a test: systemd-nspawn boots systemd as PID 1
 * from an overlay of the cached rootfs (never written to), inside a network
 * namespace the test made. Seeded as Hetzner seeds a new server: its own SSH
 * host keys, a hostname, and the platform's public key in root's
 * authorized_keys. `reboot()` is a real reboot: systemd shuts down, nspawn
 * exits with 133, and the same container boots again from the same disk.
 *
 * The container gets CAP_NET_ADMIN (its network namespace is the test's own)
 * so that nftables and fail2ban work inside it.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { run, runOk, waitFor } from './ansible-proc';

export interface TestServerSpec {
  /** Host name, e.g. tenant-zeta-db-1. */
  readonly name: string;
  /** Cached rootfs (lower layer, read only). */
  readonly rootfs: string;
  /** Scratch directory for the overlay and the console log. */
  readonly dir: string;
  /** Network namespace (ip netns name) the server lives in. */
  readonly netns: string;
  /** Lines for root's authorized_keys. */
  readonly rootKeys: readonly string[];
  /** Host paths bound into the server: device nodes, directories, files. */
  readonly binds?: readonly { readonly host: string; readonly server: string; readonly readOnly?: boolean }[];
}

/** Resolves with `p`'s value, or `fallback` after `ms`; the timer never outlives the race. */
async function within<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<F>((r) => (timer = setTimeout(() => r(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export class TestServer {
  readonly root: string;
  private child?: ChildProcess;
  private exit?: Promise<number | null>;
  private mounted = false;

  constructor(readonly spec: TestServerSpec) {
    this.root = path.join(spec.dir, 'root');
  }

  /** The console output so far (last lines), for failure messages. */
  consoleTail(lines = 15): string {
    try {
      return fs.readFileSync(path.join(this.spec.dir, 'console.log'), 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no console output)';
    }
  }

  /** Mounts the overlay and writes the server's identity into it. */
  async create(): Promise<void> {
    for (const d of ['upper', 'work', 'root']) fs.mkdirSync(path.join(this.spec.dir, d), { recursive: true });
    await runOk('mount', ['-t', 'overlay', 'overlay', '-o',
      `lowerdir=${this.spec.rootfs},upperdir=${path.join(this.spec.dir, 'upper')},workdir=${path.join(this.spec.dir, 'work')}`, this.root]);
    this.mounted = true;
    const r = this.root;
    fs.writeFileSync(path.join(r, 'etc/hostname'), `${this.spec.name}\n`);
    fs.writeFileSync(path.join(r, 'etc/hosts'), `127.0.0.1 localhost\n127.0.1.1 ${this.spec.name}\n::1 localhost ip6-localhost ip6-loopback\n`);
    for (const f of fs.readdirSync(path.join(r, 'etc/ssh')).filter((x) => x.startsWith('ssh_host_'))) fs.rmSync(path.join(r, 'etc/ssh', f));
    await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${this.spec.name}`, '-f', path.join(r, 'etc/ssh/ssh_host_ed25519_key')]);
    fs.mkdirSync(path.join(r, 'root/.ssh'), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(r, 'root/.ssh/authorized_keys'), `${this.spec.rootKeys.join('\n')}\n`, { mode: 0o600 });
    for (const b of this.spec.binds ?? []) {
      if (fs.statSync(b.host).isDirectory()) fs.mkdirSync(path.join(r, b.server), { recursive: true });
    }
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Boots the server and waits until sshd answers inside its namespace. */
  async boot(timeoutMs = 120_000): Promise<void> {
    const out = fs.openSync(path.join(this.spec.dir, 'console.log'), 'a');
    const args = [
      '--quiet', '--register=no', '--keep-unit', '--boot', `--directory=${this.root}`,
      `--machine=${this.spec.name.slice(0, 60)}`, `--network-namespace-path=/run/netns/${this.spec.netns}`,
      '--capability=CAP_NET_ADMIN', '--resolv-conf=off', '--timezone=off', '--link-journal=no', '--console=pipe',
      ...(this.spec.binds ?? []).map((b) => `--bind${b.readOnly ? '-ro' : ''}=${b.host}:${b.server}`),
    ];
    const child = spawn('systemd-nspawn', args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(`${this.spec.name} to boot and sshd to answer`, async () => {
      if (!this.running) throw new Error(`${this.spec.name} exited while booting:\n${this.consoleTail()}`);
      // --norc: with a socket for stdin (node's pipes) bash reads ~/.bashrc as if sshd had started it,
      // which on a loaded machine can take longer than the one second the check has.
      const r = await run('ip', ['netns', 'exec', this.spec.netns, 'timeout', '1', 'bash', '--norc', '-c', 'exec 3<>/dev/tcp/127.0.0.1/22 && head -c 4 <&3'], { timeoutMs: 3000 });
      return r.stdout.startsWith('SSH-');
    }, timeoutMs, 200);
  }

  /**
   * Reboots through systemd (`command` runs `systemctl reboot` in the server,
   * e.g. over SSH), then boots the same disk again and waits for sshd.
   */
  async reboot(command: () => Promise<unknown>, timeoutMs = 120_000): Promise<void> {
    const exit = this.exit;
    await command();
    const code = await within(exit!, timeoutMs, 'timeout' as const);
    if (code === 'timeout') throw new Error(`${this.spec.name} did not shut down for the reboot:\n${this.consoleTail()}`);
    if (code !== 133) throw new Error(`${this.spec.name} exited with ${code}, not 133 (reboot):\n${this.consoleTail()}`);
    await this.boot(timeoutMs);
  }

  /** Halts the server (SIGTERM: nspawn shuts systemd down), SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const done = await within(this.exit!.then(() => true), graceMs, false);
    if (!done) {
      child.kill('SIGKILL');
      await within(this.exit!, 5000, undefined);
    }
  }

  /** Stops the server, unmounts its overlay and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop();
    if (this.mounted) {
      const r = await run('umount', [this.root]);
      if (r.code !== 0) await run('umount', ['-l', this.root]);
      this.mounted = false;
    }
    fs.rmSync(this.spec.dir, { recursive: true, force: true });
  }
}
