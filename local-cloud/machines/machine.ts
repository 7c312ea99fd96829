/**
 * One server's machine: its copy-on-write root (an overlayfs over the shared
 * Debian root filesystem), the files that make it that server (seed.ts), and
 * its systemd-nspawn container, booted with systemd as PID 1 inside the
 * server's network namespace. A thin shell over mount, ssh-keygen and
 * systemd-nspawn.
 *
 *   dir/upper, dir/work   what the server changed (removed with the server, or on rebuild)
 *   dir/root              the merged root the container boots
 *   dir/console.log       the container's console (boot messages)
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { sh, trySh } from './command';
import { seedFiles, SeedInput } from './seed';

export interface MachineSpec {
  readonly id: number;
  /** systemd-nspawn --machine name. */
  readonly machineName: string;
  /** The server's network namespace (under /run/netns). */
  readonly netns: string;
  /** Directory of this machine's root layers and console log. */
  readonly dir: string;
  /** The shared, read-only Debian root filesystem. */
  readonly rootfs: string;
}

export class BootError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when `p` settles within `ms` (the timer is cleared, so nothing keeps the process alive). */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  return Promise.race([p.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

export class Machine {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(readonly spec: MachineSpec) {}

  get root(): string {
    return path.join(this.spec.dir, 'root');
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The pid of the systemd-nspawn process, when running. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  /** Mounts the copy-on-write root (idempotent). */
  async mountRoot(): Promise<void> {
    const { dir, rootfs } = this.spec;
    for (const d of ['upper', 'work', 'root']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    if (await isMountPoint(this.root)) return;
    await sh('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${rootfs},upperdir=${dir}/upper,workdir=${dir}/work`, this.root]);
  }

  async unmountRoot(): Promise<void> {
    if (await isMountPoint(this.root)) await sh('umount', [this.root]);
  }

  /** Writes the server's identity into its root, with a new SSH host key. */
  async seed(input: Omit<SeedInput, 'machineId'>): Promise<void> {
    for (const e of seedFiles({ ...input, machineId: randomBytes(16).toString('hex') })) {
      const target = path.join(this.root, e.path);
      if ('directoryMode' in e) {
        fs.mkdirSync(target, { recursive: true, mode: e.directoryMode });
        fs.chmodSync(target, e.directoryMode);
        continue;
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.rmSync(target, { force: true });
      if ('symlinkTo' in e) fs.symlinkSync(e.symlinkTo, target);
      else fs.writeFileSync(target, e.content, { mode: e.mode });
    }
    const key = path.join(this.root, 'etc/ssh/ssh_host_ed25519_key');
    fs.rmSync(key, { force: true });
    fs.rmSync(`${key}.pub`, { force: true });
    await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${input.name}`, '-f', key]);
  }

  /**
   * Boots the container and waits until sshd answers inside the server; throws BootError with the console's last lines.
   * `binds`: host directories mounted in the server before its systemd starts (volumes its fstab mounts at boot).
   */
  async boot(name: string, timeoutMs: number, binds: readonly { host: string; machine: string }[] = []): Promise<void> {
    if (this.running) return;
    const log = path.join(this.spec.dir, 'console.log');
    const out = fs.openSync(log, 'w');
    const child = spawn(
      'systemd-nspawn',
      [
        '--quiet',
        '--register=no',
        '--keep-unit',
        '--boot',
        `--directory=${this.root}`,
        `--machine=${this.spec.machineName}`,
        `--hostname=${name}`,
        `--network-namespace-path=/run/netns/${this.spec.netns}`,
        // Root in the server manages its own nftables (the baseline's host firewall, fail2ban's
        // bans) as on a real server. It is confined to the server's own namespace: the Hetzner
        // firewall sits on the world's end of the public link, outside it (firewall/compile.ts).
        '--capability=CAP_NET_ADMIN',
        '--resolv-conf=off',
        '--timezone=off',
        '--link-journal=no',
        '--console=pipe',
        ...binds.map((b) => `--bind=${b.host}:${b.machine}`),
      ],
      { stdio: ['ignore', out, out], detached: true },
    );
    fs.closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    fs.writeFileSync(path.join(this.spec.dir, 'nspawn.pid'), String(child.pid ?? ''));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new BootError(`the machine exited while booting: ${consoleTail(log)}`);
      if (await this.sshAnswers()) return;
      await sleep(100);
    }
    await this.stop();
    throw new BootError(`sshd did not answer within ${Math.round(timeoutMs / 1000)} s: ${consoleTail(log)}`);
  }

  /** True when sshd inside the server sends its banner on 127.0.0.1:22 (checked from its namespace, past any firewall). */
  async sshAnswers(): Promise<boolean> {
    // --norc: with node's socket pipes as stdin, bash reads ~/.bashrc as if sshd had started it,
    // and a slow rc file (pyenv init) made every one-second check time out on a loaded machine.
    const r = await trySh('ip', ['netns', 'exec', this.spec.netns, 'timeout', '1', 'bash', '--norc', '-c', 'exec 3<>/dev/tcp/127.0.0.1/22 && head -c 4 <&3'], { timeoutMs: 3000 });
    return r.stdout.startsWith('SSH-');
  }

  /**
   * The container's PID 1 (systemd), for nsenter: the child of systemd-nspawn.
   */
  leaderPid(): number | undefined {
    const nspawn = this.pid;
    if (!nspawn) return undefined;
    try {
      const children = fs.readFileSync(`/proc/${nspawn}/task/${nspawn}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      return children.length ? Number(children[0]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Orderly shutdown (nspawn turns SIGTERM into a halt of the container), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) {
      this.child = undefined;
      return;
    }
    const pid = child.pid!;
    const leader = this.leaderPid();
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
    const done = await within(this.exited!, graceMs);
    if (!done) {
      for (const p of [leader, pid]) {
        try {
          if (p) process.kill(p, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      await within(this.exited!, 5000);
    }
    this.child = undefined;
    fs.rmSync(path.join(this.spec.dir, 'nspawn.pid'), { force: true });
  }

  /** Throws away what the server changed in its root (rebuild): the next mount is a fresh Debian. */
  async wipeRoot(): Promise<void> {
    await this.unmountRoot();
    for (const d of ['upper', 'work']) fs.rmSync(path.join(this.spec.dir, d), { recursive: true, force: true });
  }

  /** Removes the machine's disk: unmount, then delete its directory. */
  async destroy(): Promise<void> {
    await this.stop();
    await this.unmountRoot();
    fs.rmSync(this.spec.dir, { recursive: true, force: true });
  }
}

function consoleTail(log: string): string {
  try {
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    return lines.slice(-5).join(' | ') || '(no console output)';
  } catch {
    return '(no console output)';
  }
}

export async function isMountPoint(dir: string): Promise<boolean> {
  const mounts = fs.readFileSync('/proc/self/mounts', 'utf8');
  return mounts.split('\n').some((l) => l.split(' ')[1] === dir);
}
