/**
 * The Debian 12 root filesystem the server tests boot (systemd-nspawn). The
 * same debootstrap command as the local cloud's scripts/build-rootfs.sh, in
 * the same cache ($TENANT_TOOLS_DIR/rootfs/), with the packages the server
 * roles install pre-seeded: a test machine sits in a network namespace with
 * no route to a Debian mirror, so `apt-get install` could not run there (the
 * roles install a package only when it is missing).
 *
 * findServerRootfs() takes any finished rootfs in the cache that has every
 * package (the local cloud's, once it carries them); ensureServerRootfs()
 * builds one if there is none: in a temporary directory, renamed into place
 * only when complete, so an interrupted build is never taken for a finished
 * one. Tests never write into it: each machine gets an overlay.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runOk, toolsEnv } from './ansible-proc';

/** What the server roles need on a Debian 12 server, besides systemd and sshd. */
export const SERVER_PACKAGES = [
  'systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'python3', 'python3-apt', 'sudo', 'nftables', 'iproute2',
  'iputils-ping', 'netcat-openbsd', 'procps', 'e2fsprogs', 'xfsprogs',
  // roles/baseline
  'fail2ban', 'python3-systemd', 'unattended-upgrades',
  // roles/tenant_dataplane
  'postgresql', 'python3-psycopg2',
] as const;

/** Where this harness builds its own rootfs when the cache has none with every package. */
export const SERVER_ROOTFS_NAME = 'bookworm-servers-1';

export function rootfsCache(): string {
  return path.join(toolsEnv().TENANT_TOOLS_DIR!, 'rootfs');
}

/** The packages dpkg lists as installed in a root filesystem. */
export function installedPackages(root: string): Set<string> {
  const out = new Set<string>();
  let status: string;
  try {
    status = fs.readFileSync(path.join(root, 'var/lib/dpkg/status'), 'utf8');
  } catch {
    return out;
  }
  for (const block of status.split('\n\n')) {
    const name = /^Package: (\S+)$/m.exec(block)?.[1];
    if (name && /^Status: install ok installed$/m.test(block)) out.add(name);
  }
  return out;
}

/** A finished rootfs in the cache with every server package, or undefined. */
export function findServerRootfs(cache = rootfsCache()): string | undefined {
  if (process.env.TENANT_SERVER_ROOTFS) return process.env.TENANT_SERVER_ROOTFS;
  if (!fs.existsSync(cache)) return undefined;
  const candidates = fs
    .readdirSync(cache)
    .filter((d) => !d.startsWith('.'))
    .map((d) => path.join(cache, d))
    .filter((d) => fs.existsSync(path.join(d, 'usr/sbin/sshd')));
  return candidates.find((d) => {
    const have = installedPackages(d);
    return SERVER_PACKAGES.every((p) => have.has(p));
  });
}

/** The bookworm mirror of this machine's apt sources (as build-rootfs.sh reads it). */
export function debianMirror(): string {
  const dir = '/etc/apt/sources.list.d';
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).filter((x) => x.endsWith('.sources')) : []) {
    let uri: string | undefined;
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (line.startsWith('URIs:')) uri = line.split(/\s+/)[1];
      if (line.startsWith('Suites:') && uri && /\bbookworm( |$)/.test(line)) return uri;
    }
  }
  for (const f of ['/etc/apt/sources.list']) {
    const m = fs.existsSync(f) ? /^deb\s+(\S+)\s+bookworm\s/m.exec(fs.readFileSync(f, 'utf8')) : null;
    if (m) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

/** Finds the rootfs, or builds it (about 3 minutes; needs root and the mirror). */
export async function ensureServerRootfs(): Promise<string> {
  const found = findServerRootfs();
  if (found) return found;
  const cache = rootfsCache();
  const dest = path.join(cache, SERVER_ROOTFS_NAME);
  const tmp = path.join(cache, `.build-${SERVER_ROOTFS_NAME}.${process.pid}`);
  fs.mkdirSync(cache, { recursive: true });
  try {
    await runOk('debootstrap', ['--variant=minbase', `--include=${SERVER_PACKAGES.join(',')}`, 'bookworm', tmp, debianMirror()], { timeoutMs: 900_000 });
    // Nothing per server: host keys, machine-id and hostname are written per machine.
    for (const f of fs.readdirSync(path.join(tmp, 'etc/ssh')).filter((x) => x.startsWith('ssh_host_'))) fs.rmSync(path.join(tmp, 'etc/ssh', f));
    fs.writeFileSync(path.join(tmp, 'etc/machine-id'), '');
    fs.rmSync(path.join(tmp, 'var/cache/apt/archives'), { recursive: true, force: true });
    fs.mkdirSync(path.join(tmp, 'var/cache/apt/archives/partial'), { recursive: true });
    try {
      fs.renameSync(tmp, dest);
    } catch (e) {
      // Another run finished first: keep its copy.
      if (!findServerRootfs()) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return findServerRootfs() ?? dest;
}
