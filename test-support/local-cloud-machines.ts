/**
 * Test harness for the local cloud with machines: a cloud under a unique
 * instance name per test run (`t<hex>`, so leftovers are identifiable), an
 * SSH key for the control node, SSH and packet probes from the control node
 * and the outside world, and a check that nothing of an instance is left.
 */
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Outcome } from '../isolation/probe/judge';
import type { Probe, ProbeProtocol } from '../isolation/probe/plan';
import { HcloudApi, HcloudApiOptions, startHcloudApi } from '../local-cloud';
import { DEFAULT_DATA_ROOT, MachineOptions } from '../local-cloud/machines/machine-layer';
import { defaultRootfs, rootfsProblem } from '../local-cloud/machines/rootfs';
import { sweepInstance } from '../local-cloud/machines/sweep';
import { cloudNames } from '../local-cloud/network/names';
import { runProbes } from '../verify/probe/run';
import { ssh, SshResult } from '../verify/probe/ssh';

/** Why machines cannot run here (not root, no systemd-nspawn, no rootfs), or undefined. */
export function machinesProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'the local cloud machines need root';
  try {
    execFileSync('systemd-nspawn', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'systemd-nspawn is missing: run `npm run tools`';
  }
  return rootfsProblem(defaultRootfs());
}

export function uniqueInstance(): string {
  return `t${randomBytes(4).toString('hex').slice(0, 7)}`;
}

/** A fresh ed25519 key pair in a temp dir. */
export function controlKey(): { dir: string; privateKey: string; publicKey: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-key-'));
  const privateKey = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', privateKey]);
  return { dir, privateKey, publicKey: fs.readFileSync(`${privateKey}.pub`, 'utf8').trim() };
}

export interface MachineCloud {
  readonly api: HcloudApi;
  readonly name: string;
  readonly dataDir: string;
  readonly key: ReturnType<typeof controlKey>;
  /** The outside world's namespace (any public address can be a source there). */
  readonly world: string;
  ssh(host: string, command: string): Promise<SshResult>;
  /** Like ssh(), but throws unless it exits 0; returns stdout. */
  sshOk(host: string, command: string): Promise<string>;
  /** Sends one probe: from inside `from` (an SSH host) or from an outside address. */
  reach(from: { server: string } | { outside: string }, protocol: ProbeProtocol, address: string, port?: number): Promise<Outcome>;
  /** Stops the cloud and removes everything, also when the cloud's own stop failed. */
  stop(): Promise<void>;
}

export async function startMachineCloud(machines: MachineOptions = {}, api: HcloudApiOptions = {}): Promise<MachineCloud> {
  const name = machines.name ?? uniqueInstance();
  // Where `npm run local-cloud -- down --all` looks, so a killed test run's leftovers are found by name too.
  const home = path.join(DEFAULT_DATA_ROOT, name);
  const dataDir = machines.dataDir ?? path.join(home, 'machines');
  const key = controlKey();
  const started = await startHcloudApi({ log: (l) => process.stderr.write(`[local-cloud] ${l}\n`), ...api, machines: { ...machines, name, dataDir } });
  const world = cloudNames(name).world;
  const cloud: MachineCloud = {
    api: started,
    name,
    dataDir,
    key,
    world,
    ssh: (host, command) => ssh({ host, keyFile: key.privateKey }, command),
    async sshOk(host, command) {
      const r = await cloud.ssh(host, command);
      if (r.code !== 0) throw new Error(`ssh ${host} ${command}: exit ${r.code}: ${r.stderr}`);
      return r.stdout;
    },
    async reach(from, protocol, address, port) {
      const probe: Probe = {
        id: 'p1',
        tenant: '-',
        server: '-',
        kind: 'egress',
        from: 'server' in from ? { type: 'server', server: from.server, sshHost: from.server } : { type: 'outside', address: from.outside },
        protocol,
        address,
        port,
        expect: 'reachable',
        because: 'test',
      };
      const out = await runProbes([probe], { sshKeyFile: key.privateKey, outsideNetns: world, timeoutS: 1.5 });
      return out.get('p1')!;
    },
    async stop() {
      try {
        await started.stop();
      } finally {
        await sweepInstance(cloudNames(name), dataDir);
        fs.rmSync(home, { recursive: true, force: true });
        fs.rmSync(key.dir, { recursive: true, force: true });
      }
    },
  };
  return cloud;
}

/** Everything of instance `name` still on the host (all empty when it is gone). */
export function leftovers(name: string, dataDir: string) {
  const names = cloudNames(name);
  const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
  const prefix = `${path.resolve(dataDir)}/`;
  return {
    namespaces: sh('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0]).filter((l) => l.startsWith(names.nsPrefix)),
    hostLinks: sh('ip', ['-o', 'link', 'show']).split('\n').filter((l) => l.includes(` ${names.hostLink}:`) || l.includes(` ${names.hostLink}@`)),
    mounts: fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[1]?.startsWith(prefix)),
    loops: sh('losetup', ['-l', '-n', '-O', 'NAME,BACK-FILE']).split('\n').filter((l) => l.includes(prefix)),
    machines: fs
      .readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`--machine=lc-${name}-`);
        } catch {
          return false;
        }
      }),
    files: fs.existsSync(dataDir) ? [dataDir] : [],
  };
}

export const NOTHING_LEFT = { namespaces: [], hostLinks: [], mounts: [], loops: [], machines: [], files: [] };

/** Passed: the packet arrived (a connection, or a refusal by the destination itself). */
export const arrived = (o: Outcome) => o === 'open' || o === 'refused';
