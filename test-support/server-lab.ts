/**
 * A lab for the server roles: one real Debian 12 server (TestServer) of one
 * tenant, in network namespaces the lab makes and removes, joined by a
 * bridge inside the control node's namespace:
 *
 *   control  10.250.0.1/24   runs Ansible (the management source)
 *   outsider 10.250.0.66/24  another management host: may reach declared ports only
 *   server   10.<seq>.1.10   the tenant's data server (its private address)
 *   peer     10.<seq>.1.50   another server of the tenant network
 *
 * No address of this machine's own network is used and nothing is routed
 * out of the lab. The server's volumes: a directory bound at
 * /mnt/HC_Volume_<id> (how the local cloud's fallback presents one), and loop
 * devices at /dev/disk/by-id/scsi-0HC_Volume_<id> (one empty, one holding a
 * foreign xfs filesystem). A "mirror" directory, bound read-only at
 * /opt/mirror, stands in for the download sites of the pinned binaries:
 * MinIO and mc as `npm run tools` built them, and the Qdrant STAND-IN
 * (bundled from test-support/qdrant-standin-server.ts) with the node that
 * runs it. cleanup() removes everything, whatever state it is in.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AnsibleWorld, createAnsibleWorld, FixtureTenant } from './ansible-fixture';
import { run, RunResult, runOk, tempDir, toolsEnv } from './ansible-proc';
import { PlaybookOptions, PlaybookRun, runPlaybook } from './ansible-run';
import { buildDataplaneMirror, dataplaneBinaryVars } from './dataplane-binaries';
import { defaultRootfs, rootfsProblem } from '../local-cloud/machines/rootfs';
import { TestServer } from './test-server';

export const CONTROL_IP = '10.250.0.1';
export const OUTSIDER_IP = '10.250.0.66';
export const MANAGEMENT_CIDR = '10.250.0.0/24';
/** The volume ids the lab gives the server. */
export const VOLUMES = { directory: 101, empty: 202, foreign: 303 } as const;

export interface LabNamespace {
  readonly name: string;
  readonly ip: string;
  exec(cmd: string, args: readonly string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string }): Promise<RunResult>;
}

export interface ServerLab {
  readonly world: AnsibleWorld;
  readonly tenantId: string;
  readonly server: TestServer;
  /** The server's inventory name (tenant-<id>-<group>-1) and private address. */
  readonly serverName: string;
  readonly serverIp: string;
  readonly control: LabNamespace;
  readonly outsider: LabNamespace;
  readonly peer: LabNamespace;
  /** Private key whose public half Hetzner would put into root's authorized_keys. */
  readonly keyFile: string;
  /** Host side of the directory volume and of the loop devices' images. */
  readonly volumeDir: string;
  readonly foreignImage: string;
  readonly emptyImage: string;
  readonly inventory: string;
  /** ansible-playbook in the control namespace against the lab's inventory. */
  play(playbook: string, opts?: Partial<PlaybookOptions>): Promise<PlaybookRun>;
  /** ssh from a namespace of the lab to the server (batch mode, no agent). */
  ssh(from: LabNamespace, user: string, command: string, extra?: readonly string[]): Promise<RunResult>;
  cleanup(): Promise<void>;
}

export async function createServerLab(tenant: FixtureTenant): Promise<ServerLab> {
  const undo: (() => Promise<unknown> | unknown)[] = [];
  const cleanup = async () => {
    for (const u of undo.splice(0).reverse()) {
      try {
        await u();
      } catch {
        /* keep cleaning up */
      }
    }
  };
  try {
    // The local cloud's root filesystem (npm run tools): it carries every package the roles install.
    const rootfs = defaultRootfs();
    const problem = rootfsProblem(rootfs);
    if (problem) throw new Error(problem);
    const world = await createAnsibleWorld([tenant], 'tp-servers');
    undo.push(() => world.cleanup());
    const vars = world.tenants[0];
    const serverName = vars.tenant_servers[0].name;
    const serverIp = vars.tenant_servers[0].private_ip;
    const scratch = tempDir('tp-lab');
    undo.push(() => fs.rmSync(scratch, { recursive: true, force: true }));

    // Namespaces and the bridge (in the control namespace).
    const tag = path.basename(scratch).slice(-6).replace(/[^a-zA-Z0-9]/g, 'x');
    const ns = (label: string) => `tp-${label}-${tag}`;
    const names = { control: ns('ctl'), server: ns('srv'), outsider: ns('out'), peer: ns('app') };
    for (const n of Object.values(names)) {
      await runOk('ip', ['netns', 'add', n]);
      undo.push(() => run('ip', ['netns', 'del', n]));
    }
    const inNs = (n: string, args: string[]) => runOk('ip', ['-n', n, ...args]);
    await inNs(names.control, ['link', 'set', 'lo', 'up']);
    await inNs(names.control, ['link', 'add', 'br0', 'type', 'bridge']);
    await inNs(names.control, ['addr', 'add', `${CONTROL_IP}/24`, 'dev', 'br0']);
    await inNs(names.control, ['link', 'set', 'br0', 'up']);
    await inNs(names.control, ['route', 'add', '10.0.0.0/8', 'dev', 'br0']);
    const members: [keyof typeof names, string][] = [['server', `${serverIp}/16`], ['outsider', `${OUTSIDER_IP}/24`], ['peer', `${serverIp.replace(/\.\d+$/, '.50')}/16`]];
    for (const [who, cidr] of members) {
      const n = names[who];
      const port = `v${who.slice(0, 3)}`;
      await inNs(names.control, ['link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n]);
      await inNs(names.control, ['link', 'set', port, 'master', 'br0', 'up']);
      await inNs(n, ['addr', 'add', cidr, 'dev', 'eth0']);
      await inNs(n, ['link', 'set', 'eth0', 'up']);
      await inNs(n, ['link', 'set', 'lo', 'up']);
      await inNs(n, ['route', 'add', '10.0.0.0/8', 'dev', 'eth0']);
    }
    const lab = (n: string, ip: string): LabNamespace => ({
      name: n,
      ip,
      exec: (cmd, args, o = {}) => run('ip', ['netns', 'exec', n, cmd, ...args], { env: o.env ?? toolsEnv(), timeoutMs: o.timeoutMs ?? 60_000, input: o.input }),
    });
    const control = lab(names.control, CONTROL_IP);
    const outsider = lab(names.outsider, OUTSIDER_IP);
    const peer = lab(names.peer, serverIp.replace(/\.\d+$/, '.50'));

    // The platform's key, as Hetzner would put it into root's authorized_keys.
    const keyFile = path.join(scratch, 'platform-key');
    await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'platform-admin', '-f', keyFile]);

    // Volumes: a directory, an empty disk, a disk with a foreign filesystem.
    const volumeDir = path.join(scratch, `volume-${VOLUMES.directory}`);
    fs.mkdirSync(volumeDir);
    const emptyImage = path.join(scratch, `volume-${VOLUMES.empty}.img`);
    const foreignImage = path.join(scratch, `volume-${VOLUMES.foreign}.img`);
    for (const img of [emptyImage, foreignImage]) await runOk('truncate', ['-s', '400M', img]);
    await runOk('mkfs.xfs', ['-q', '-f', '-L', 'foreign', foreignImage]);
    const loops: Record<number, string> = {};
    for (const [id, img] of [[VOLUMES.empty, emptyImage], [VOLUMES.foreign, foreignImage]] as const) {
      const loop = (await runOk('losetup', ['--find', '--show', img])).stdout.trim();
      undo.push(() => run('losetup', ['-d', loop]));
      loops[id] = loop;
    }

    // The mirror the pinned binaries come from.
    const mirror = path.join(scratch, 'mirror');
    fs.mkdirSync(mirror);
    const sums = await buildDataplaneMirror(mirror);

    const server = new TestServer({
      name: serverName,
      rootfs,
      dir: path.join(scratch, 'server'),
      netns: names.server,
      rootKeys: [fs.readFileSync(`${keyFile}.pub`, 'utf8').trim()],
      binds: [
        { host: volumeDir, server: `/mnt/HC_Volume_${VOLUMES.directory}` },
        { host: loops[VOLUMES.empty], server: `/dev/disk/by-id/scsi-0HC_Volume_${VOLUMES.empty}` },
        { host: loops[VOLUMES.foreign], server: `/dev/disk/by-id/scsi-0HC_Volume_${VOLUMES.foreign}` },
        { host: mirror, server: '/opt/mirror', readOnly: true },
      ],
    });
    undo.push(() => server.destroy());
    await server.create();
    await server.boot();

    const sshArgs = ['-i', keyFile, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=5', '-o', 'IdentitiesOnly=yes'];
    const hostVars = {
      ansible_host: serverIp,
      ansible_user: 'root',
      ansible_ssh_private_key_file: keyFile,
      ansible_ssh_common_args: '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes',
      ansible_python_interpreter: '/usr/bin/python3',
      // The harness points ANSIBLE_REMOTE_TEMP at the control node's scratch
      // directory (right for local hosts); a server keeps its own.
      ansible_remote_tmp: '~/.ansible/tmp',
    };
    const groupVars = {
      ...vars,
      tenant_secrets_root: world.secretsRoot,
      tenant_volume_id: VOLUMES.directory,
      ...dataplaneBinaryVars('file:///opt/mirror', sums),
    };
    const group = `tenant_${vars.tenant_id.replace(/-/g, '_')}`;
    const inventory = path.join(world.root, 'inventory.yml');
    fs.writeFileSync(inventory, `# Generated by test-support/server-lab.ts\n${JSON.stringify({
      all: {
        children: {
          tenants: {
            hosts: { [`tenant-${vars.tenant_id}`]: { ...vars, ansible_connection: 'local', ansible_python_interpreter: '{{ ansible_playbook_python }}' } },
            vars: { tenant_secrets_root: world.secretsRoot },
          },
          tenant_servers: { children: { [group]: { hosts: { [serverName]: hostVars }, vars: groupVars } } },
        },
      },
    }, null, 1)}\n`);

    return {
      world,
      tenantId: vars.tenant_id,
      server,
      serverName,
      serverIp,
      control,
      outsider,
      peer,
      keyFile,
      volumeDir,
      foreignImage,
      emptyImage,
      inventory,
      play: (playbook, o = {}) => runPlaybook({ playbook, inventory, workDir: world.workDir, netns: names.control, ...o }),
      ssh: (from, user, command, extra = []) => from.exec('ssh', [...sshArgs, ...extra, `${user}@${serverIp}`, command], { timeoutMs: 30_000 }),
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
