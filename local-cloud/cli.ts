/**
 * `npm run local-cloud -- up|down|status [--name local] [--tenants DIR] [--port N] [--all]`
 *
 *   up      starts the local cloud with machines in the background and prints
 *           the lines to `eval`: HCLOUD_ENDPOINT, HETZNER_ENDPOINT (the
 *           Storage Box API), HCLOUD_TOKEN, PLATFORM_STORAGE_BOX_PASSWORD
 *           (read from a file, when the platform file has `backup`),
 *           HCLOUD_SSH_KEY_FILE (a private key whose public half is
 *           registered under every name in the platform file's ssh_keys) and
 *           PROBE_OUTSIDE_NETNS (for `npm run verify -- --probe`). Running
 *           already: prints the same lines again and says so.
 *   down    stops it: every machine, namespace, link, mount, loop device,
 *           process and file it made; nothing running is not an error.
 *           --all: every local cloud on this host.
 *   status  says whether it runs, and prints its lines.
 *   dataplane-vars
 *           prints the Ansible settings for the data plane on its servers
 *           (local-cloud/dataplane-vars.ts): MinIO and mc from the toolchain
 *           and the Qdrant STAND-IN, copied from the control node.
 *
 * Everything of instance <name> lives in /var/tmp/hetzner-local-cloud/<name>
 * (LOCAL_CLOUD_HOME overrides the parent) and is removed by `down`.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_DATA_ROOT } from './machines/machine-layer';
import { repoRoot } from './machines/rootfs';
import { sweepInstance } from './machines/sweep';
import { cloudNames, INSTANCE_NAME } from './network/names';
import { trySh } from './machines/command';
import { dataplaneVarsYaml, localDataplaneBinaries } from './dataplane-vars';

const USAGE = 'usage: npm run local-cloud -- up|down|status|dataplane-vars [--name local] [--tenants tenants] [--port 0] [--all]';

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Home {
  readonly name: string;
  readonly dir: string;
  readonly pidFile: string;
  readonly envFile: string;
  readonly log: string;
  readonly key: string;
  readonly machines: string;
}

function home(name: string): Home {
  const dir = path.join(process.env.LOCAL_CLOUD_HOME || DEFAULT_DATA_ROOT, name);
  return {
    name,
    dir,
    pidFile: path.join(dir, 'daemon.pid'),
    envFile: path.join(dir, 'env'),
    log: path.join(dir, 'local-cloud.log'),
    key: path.join(dir, 'id_ed25519'),
    machines: path.join(dir, 'machines'),
  };
}

function daemonPid(h: Home): number | undefined {
  try {
    return Number(fs.readFileSync(h.pidFile, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function up(h: Home, tenants: string, port: string): Promise<number> {
  const pid = daemonPid(h);
  if (alive(pid) && fs.existsSync(h.envFile)) {
    process.stderr.write(`local cloud "${h.name}" is already running (pid ${pid}); reusing it. Stop it with: npm run local-cloud -- down${h.name === 'local' ? '' : ` --name ${h.name}`}\n`);
    process.stdout.write(fs.readFileSync(h.envFile, 'utf8'));
    return 0;
  }
  if (alive(pid)) {
    process.stderr.write(`local cloud "${h.name}" is starting or stuck (pid ${pid}, no ${h.envFile} yet); run \`npm run local-cloud -- down\` first\n`);
    return 1;
  }
  if (fs.existsSync(h.dir)) {
    process.stderr.write(`cleaning up what a previous local cloud "${h.name}" left behind\n`);
    await down(h, true);
  }
  const root = repoRoot();
  if (!root) throw new Error('cannot find the repository (scripts/run.js)');
  fs.mkdirSync(h.dir, { recursive: true, mode: 0o700 });
  const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `local-cloud-${h.name}`, '-f', h.key]);
  if (keygen.status !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr.toString()}`);
  const log = fs.openSync(h.log, 'a');
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'scripts', 'run.js'),
      'local-cloud/main.ts',
      '--machines',
      '--name',
      h.name,
      '--data-dir',
      h.machines,
      '--platform',
      path.resolve(tenants),
      '--port',
      port,
      '--state',
      path.join(h.dir, 'api-state.json'),
      '--ssh-public-key',
      `${h.key}.pub`,
      '--exports-file',
      h.envFile,
      '--storage-box-password-file',
      path.join(h.dir, 'storage-box-password'),
    ],
    { cwd: root, detached: true, stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  fs.writeFileSync(h.pidFile, String(child.pid));
  child.unref();
  for (let i = 0; i < 1200; i++) {
    if (fs.existsSync(h.envFile)) {
      fs.appendFileSync(h.envFile, `export HCLOUD_SSH_KEY_FILE=${h.key}\n`);
      process.stdout.write(fs.readFileSync(h.envFile, 'utf8'));
      process.stderr.write(`local cloud "${h.name}" is up (pid ${child.pid}, log ${h.log}); stop it with: npm run local-cloud -- down${h.name === 'local' ? '' : ` --name ${h.name}`}\n`);
      return 0;
    }
    if (!alive(child.pid)) break;
    await sleep(100);
  }
  process.stderr.write(`local cloud "${h.name}" did not start:\n${tail(h.log)}\n`);
  await down(h, true);
  return 1;
}

async function down(h: Home, quiet = false): Promise<number> {
  const names = cloudNames(h.name);
  const namespaces = (await trySh('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(names.nsPrefix));
  if (!fs.existsSync(h.dir) && namespaces.length === 0) {
    if (!quiet) process.stderr.write(`local cloud "${h.name}" is not running; nothing to do\n`);
    return 0;
  }
  const pid = daemonPid(h);
  if (alive(pid)) {
    // The daemon removes its machines itself on SIGTERM; the sweep below catches whatever it could not.
    process.kill(pid!, 'SIGTERM');
    for (let i = 0; i < 1200 && alive(pid); i++) await sleep(100);
    if (alive(pid)) process.kill(pid!, 'SIGKILL');
  }
  const report = await sweepInstance(names, h.machines);
  fs.rmSync(h.dir, { recursive: true, force: true });
  if (!quiet) {
    const left = [report.machines && `${report.machines} machines`, report.namespaces && `${report.namespaces} namespaces`, report.mounts && `${report.mounts} mounts`, report.loops && `${report.loops} loop devices`].filter(Boolean);
    process.stderr.write(`local cloud "${h.name}" is down${left.length ? ` (the daemon left ${left.join(', ')}; removed)` : ''}\n`);
  }
  return 0;
}

/** Every instance with anything on this host: homes, namespaces, host links. */
async function allInstances(): Promise<string[]> {
  const found = new Set<string>();
  const root = process.env.LOCAL_CLOUD_HOME || DEFAULT_DATA_ROOT;
  if (fs.existsSync(root)) for (const d of fs.readdirSync(root)) if (INSTANCE_NAME.test(d)) found.add(d);
  for (const l of (await trySh('ip', ['netns', 'list'])).stdout.split('\n')) {
    const m = /^lc-([a-z][a-z0-9]{0,11})-(world|net-\d+|srv-\d+|sb-\d+)\b/.exec(l);
    if (m) found.add(m[1]);
  }
  for (const l of (await trySh('ip', ['-o', 'link', 'show'])).stdout.split('\n')) {
    const m = /^\d+: lc-([a-z][a-z0-9]{0,11})[@:]/.exec(l);
    if (m) found.add(m[1]);
  }
  return [...found].sort();
}

async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  const name = arg(argv, 'name') ?? 'local';
  if (!INSTANCE_NAME.test(name)) {
    process.stderr.write(`--name "${name}" is not allowed; allowed: a lowercase letter, then up to 11 lowercase letters or digits\n`);
    return 2;
  }
  if (process.getuid?.() !== 0 && command !== 'status' && command !== 'dataplane-vars') {
    process.stderr.write('the local cloud needs root (network namespaces, mounts, systemd-nspawn)\n');
    return 2;
  }
  const h = home(name);
  switch (command) {
    case 'up':
      return up(h, arg(argv, 'tenants') ?? process.env.TENANTS_DIR ?? 'tenants', arg(argv, 'port') ?? '0');
    case 'down':
      if (argv.includes('--all')) {
        const all = await allInstances();
        if (all.length === 0) process.stderr.write('no local cloud on this host; nothing to do\n');
        for (const n of all) await down(home(n));
        return 0;
      }
      return down(h);
    case 'status': {
      const pid = daemonPid(h);
      if (alive(pid) && fs.existsSync(h.envFile)) {
        process.stderr.write(`local cloud "${name}" is running (pid ${pid})\n`);
        process.stdout.write(fs.readFileSync(h.envFile, 'utf8'));
        return 0;
      }
      process.stderr.write(`local cloud "${name}" is not running\n`);
      return 1;
    }
    case 'dataplane-vars': {
      if (!alive(daemonPid(h))) {
        process.stderr.write(`local cloud "${name}" is not running; start it first: npm run local-cloud -- up\n`);
        return 1;
      }
      const tools = process.env.TENANT_TOOLS_DIR || path.join(os.homedir(), '.cache', 'tenant-platform-tools');
      const binaries = await localDataplaneBinaries(repoRoot()!, tools, path.join(h.dir, 'dataplane'));
      process.stdout.write(dataplaneVarsYaml(binaries));
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
