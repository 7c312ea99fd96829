/**
 * Where the Debian 12 root filesystem built by `npm run tools`
 * (scripts/build-rootfs.sh) lives, and whether it is complete.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root: the nearest directory above `start` with scripts/tool-versions.sh. */
export function repoRoot(start = __dirname): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'scripts', 'tool-versions.sh'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** ROOTFS_VERSION from scripts/tool-versions.sh (one place for the pin). */
export function rootfsVersion(): string {
  const root = repoRoot() ?? repoRoot(process.cwd());
  const text = root ? fs.readFileSync(path.join(root, 'scripts', 'tool-versions.sh'), 'utf8') : '';
  const version = /^ROOTFS_VERSION=(\S+)/m.exec(text)?.[1];
  if (!version) throw new Error('cannot find ROOTFS_VERSION in scripts/tool-versions.sh');
  return version;
}

export function defaultRootfs(): string {
  const tools = process.env.TENANT_TOOLS_DIR || path.join(os.homedir(), '.cache', 'tenant-platform-tools');
  return path.join(tools, 'rootfs', rootfsVersion());
}

/** Why `dir` cannot be booted, or undefined when it looks complete. */
export function rootfsProblem(dir: string): string | undefined {
  for (const f of ['usr/lib/systemd/systemd', 'usr/sbin/sshd']) {
    if (!fs.existsSync(path.join(dir, f))) {
      return `the server root filesystem ${dir} is missing or incomplete (no /${f}); build it with \`npm run tools\` (scripts/build-rootfs.sh)`;
    }
  }
  return undefined;
}
