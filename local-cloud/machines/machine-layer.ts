/**
 * The machine layer of the local cloud: after every change the API accepts,
 * it makes the host match the API state (desired.ts): a booted Debian machine
 * per running server, a namespace with a bridge per network, links for every
 * attachment, an nftables table per server for its firewalls, a disk image
 * per volume plugged into the server it is attached to, an SFTP server per
 * Storage Box (storage-boxes/).
 *
 * Changes are applied one at a time and before the API answers, so a client
 * sees a server only once it answers SSH, a firewall change is enforced
 * before the call returns, and a server that cannot boot fails its create call
 * (the API then rolls its state back and this layer removes what it made).
 *
 * Optional: startHcloudApi({ machines: {...} }) turns it on; without it the
 * API keeps records only. Needs root, systemd-nspawn, nftables, iproute2 and
 * the root filesystem from `npm run tools`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiError } from '../errors';
import { removeTableScript } from '../firewall/compile';
import { AddressPlan, addressPlan, publicAddress } from '../network/address-plan';
import {
  addNamespace,
  connectPrivate,
  connectPublic,
  createNetwork,
  createWorld,
  disconnectPrivate,
  disconnectPublic,
  removeNamespace,
  removeWorld,
  World,
} from '../network/fabric';
import { CloudNames, cloudNames } from '../network/names';
import type { ApiState } from '../state';
import { bootMounts } from '../volumes/boot-mounts';
import { loopDetach, plugIntoMachine, unplugFromMachine, VolumeDisks } from '../volumes/volume-disks';
import { nft, trySh } from './command';
import { DesiredServer, DesiredWorld, desiredWorld } from './desired';
import { BootError, Machine } from './machine';
import { defaultRootfs, rootfsProblem } from './rootfs';
import { sweepInstance } from './sweep';
import { claimSlot, releaseSlot, slotOf } from './slots';
import { raiseHostLimits } from './host-limits';
import { StorageBoxHost } from '../storage-boxes/storage-box-host';

export interface MachineOptions {
  /** Instance name; names every namespace, link and machine (`lc-<name>-*`). @default 'local' */
  readonly name?: string;
  /** Where server roots, volume images and console logs live. @default /var/tmp/hetzner-local-cloud/<name>/machines (where `down` looks) */
  readonly dataDir?: string;
  /** The Debian root filesystem servers boot. @default - the one `npm run tools` built */
  readonly rootfs?: string;
  /** The control node's address (SSH, tofu and Ansible come from it); put it inside the platform's `management` source. @default 198.51.100.1 */
  readonly controlIpv4?: string;
  /** A server is not booted when less memory than this is available, in MB. @default 256 */
  readonly minFreeMemoryMb?: number;
  /** How long a boot may take until sshd answers, in ms. @default 60000 */
  readonly bootTimeoutMs?: number;
  /** Progress and problems. @default - stderr */
  readonly log?: (line: string) => void;
}

/** What the API hands the layer after a change. */
export interface MachineChange {
  /** The route that changed the state, e.g. `POST /servers/{id}/actions/reboot`; absent for a resync. */
  readonly route?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly body?: any;
  readonly state: ApiState;
}

interface LiveServer {
  readonly id: number;
  readonly ns: string;
  readonly machine: Machine;
  /** `<ipv4>|<ipv6 net>` of the public link made, undefined when none. */
  publicLink?: string;
  readonly privateNets: Map<number, { ifname: string; key: string }>;
  firewall?: string;
  /** Volumes plugged in while it runs: id -> loop device and device name. */
  readonly volumes: Map<number, { loop: string; dev: string }>;
  /** Volumes its fstab mounted at boot: id -> the loop device, the host mounts and where they are bound in the server. */
  readonly bootMounts: Map<number, { loop: string; hostDirs: string[]; targets: string[] }>;
}

export const DEFAULT_DATA_ROOT = '/var/tmp/hetzner-local-cloud';

function memAvailableMb(): number {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) / 1024 : Infinity;
}

export class MachineLayer {
  private readonly servers = new Map<number, LiveServer>();
  private readonly networks = new Set<number>();
  private readonly volumes = new Map<number, { sizeGb: number }>();
  private readonly boxes = new Map<number, StorageBoxHost>();
  /** Volumes attached with automount (the API does not keep the flag). */
  private readonly automount = new Set<number>();
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  private constructor(
    readonly names: CloudNames,
    readonly plan: AddressPlan,
    readonly dataDir: string,
    private readonly rootfs: string,
    private readonly world: World,
    private readonly disks: VolumeDisks,
    private readonly opts: MachineOptions,
  ) {}

  /** Makes the outside world and the control node's link; claims a slot. Throws (leaving nothing) when the host cannot run machines. */
  static async start(opts: MachineOptions = {}): Promise<MachineLayer> {
    if (process.getuid?.() !== 0) throw new Error('the local cloud needs root to boot machines (network namespaces, mounts, systemd-nspawn)');
    for (const [cmd, pkg] of [['systemd-nspawn', 'systemd-container'], ['nft', 'nftables'], ['ip', 'iproute2'], ['losetup', 'mount'], ['ssh-keygen', 'openssh-client']]) {
      if ((await trySh(cmd, ['--version'])).code === 127) throw new Error(`${cmd} is not installed (Debian package ${pkg}); run \`npm run tools\``);
    }
    raiseHostLimits(opts.log ?? ((l) => process.stderr.write(`[local-cloud machines] ${l}\n`)));
    const name = opts.name ?? 'local';
    const names = cloudNames(name);
    const dataDir = opts.dataDir ?? path.join(DEFAULT_DATA_ROOT, name, 'machines');
    const running = slotOf(name);
    if (running !== undefined) throw new Error(`local cloud "${name}" is already running (slot ${running}); stop it first or choose another name`);
    await sweepInstance(names, dataDir); // leftovers of a crashed run of the same instance
    const slot = claimSlot(name);
    try {
      const plan = addressPlan({ slot, controlIpv4: opts.controlIpv4 ?? '198.51.100.1' });
      fs.mkdirSync(path.join(dataDir, 'servers'), { recursive: true });
      const world = await createWorld(names, plan);
      fs.writeFileSync(path.join(dataDir, 'responder.pid'), String(world.responder.pid ?? ''));
      return new MachineLayer(names, plan, dataDir, opts.rootfs ?? defaultRootfs(), world, new VolumeDisks(path.join(dataDir, 'volumes')), opts);
    } catch (e) {
      await sweepInstance(names, dataDir);
      releaseSlot(name);
      throw e;
    }
  }

  /** The public address the API hands out as its n-th (from this cloud's slot). */
  publicAddress(type: 'ipv4' | 'ipv6', n: number): string {
    return publicAddress(this.plan, type, n);
  }

  /** Makes the host match `change.state`; throws ApiError when it cannot (the caller rolls the state back and calls again). */
  apply(change: MachineChange): Promise<void> {
    const run = this.queue.then(() => this.reconcile(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops every machine and removes every namespace, link, mount, loop device and file this layer made. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.queue;
    await Promise.all([...this.servers.values()].map((s) => this.destroyServer(s).catch((e) => this.log(`removing server ${s.id}: ${(e as Error).message}`))));
    await Promise.all([...this.boxes.values()].map((b) => b.destroy().catch((e) => this.log(`removing storage box ${b.box.id}: ${(e as Error).message}`))));
    for (const id of this.networks) await removeNamespace(this.names.network(id));
    await removeWorld(this.names, this.world);
    await sweepInstance(this.names, this.dataDir);
    releaseSlot(this.names.instance);
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stderr.write(`[local-cloud machines] ${l}\n`)))(line);
  }

  private noteAutomount(change: MachineChange): void {
    const { route, body, params, state } = change;
    if (route === 'POST /volumes' && body?.automount === true && body?.server) {
      const v = state.volumes.find((x) => x.name === body.name);
      if (v) this.automount.add(v.id);
    }
    if (route === 'POST /volumes/{id}/actions/attach') {
      if (body?.automount === true) this.automount.add(Number(params?.id));
      else this.automount.delete(Number(params?.id));
    }
  }

  private async reconcile(change: MachineChange): Promise<void> {
    if (this.stopped) throw new ApiError('server_error', 'the local cloud is shutting down', {}, 503);
    const want = desiredWorld(change.state);
    const action = /^POST \/servers\/\{id\}\/actions\/(reboot|reset|rebuild)$/.exec(change.route ?? '')?.[1];
    const target = Number(change.params?.id);
    this.noteAutomount(change);

    for (const v of want.volumes) {
      const have = this.volumes.get(v.id);
      if (!have) {
        await this.disks.create(v.id, v.sizeGb, v.format);
        this.volumes.set(v.id, { sizeGb: v.sizeGb });
      } else if (v.sizeGb > have.sizeGb) {
        await this.disks.resize(v.id, v.sizeGb);
        have.sizeGb = v.sizeGb;
      }
    }
    for (const n of want.networks) {
      if (this.networks.has(n.id)) continue;
      await createNetwork(this.names.network(n.id), n.gateway, n.id);
      this.networks.add(n.id);
    }
    for (const s of [...this.servers.values()]) if (!want.servers.some((x) => x.id === s.id)) await this.destroyServer(s);
    for (const id of [...this.networks]) {
      if (want.networks.some((n) => n.id === id)) continue;
      await removeNamespace(this.names.network(id));
      this.networks.delete(id);
    }

    await this.reconcileStorageBoxes(want.storageBoxes);

    const created = new Set<number>();
    for (const s of want.servers) {
      let live = this.servers.get(s.id);
      if (!live) {
        live = await this.createServer(s);
        created.add(s.id);
      }
      await this.wire(live, s);
    }

    const boots: DesiredServer[] = [];
    for (const s of want.servers) {
      const live = this.servers.get(s.id)!;
      if (s.id === target && action === 'rebuild') {
        await this.powerOff(live);
        await live.machine.wipeRoot();
        await live.machine.mountRoot();
        await live.machine.seed({ name: s.name, sshKeys: s.sshKeys, userData: s.userData });
      } else if (s.id === target && action && live.machine.running) {
        await this.powerOff(live); // reboot / reset: off, then on again below
      }
      if (s.running && !live.machine.running) boots.push(s);
      if (!s.running && live.machine.running) await this.powerOff(live);
    }
    const results = await Promise.allSettled(
      boots.map(async (s) => {
        const live = this.servers.get(s.id)!;
        const binds = await this.mountAtBoot(live, want.volumes.filter((v) => v.serverId === s.id).map((v) => v.id));
        await live.machine.boot(s.name, this.opts.bootTimeoutMs ?? 60_000, binds);
      }),
    );
    const failures: string[] = [];
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') continue;
      const s = boots[i];
      failures.push(`cannot boot server ${s.name} (#${s.id}): ${(r.reason as Error).message}`);
      if (created.has(s.id)) await this.destroyServer(this.servers.get(s.id)!);
    }
    if (failures.length) {
      const bootFailure = results.some((r) => r.status === 'rejected' && r.reason instanceof BootError);
      throw new ApiError(bootFailure ? 'resource_unavailable' : 'server_error', failures.join('; '), {}, bootFailure ? 503 : 500);
    }

    await this.plugVolumes(want.volumes);
    for (const id of [...this.volumes.keys()]) {
      if (want.volumes.some((v) => v.id === id)) continue;
      for (const s of this.servers.values()) if (s.volumes.has(id)) await this.unplug(s, id);
      this.disks.remove(id);
      this.volumes.delete(id);
      this.automount.delete(id);
    }
  }

  /** Boxes that went away are removed (with their files); new ones boot; the rest get their accounts synced. */
  private async reconcileStorageBoxes(want: DesiredWorld['storageBoxes']): Promise<void> {
    for (const [id, host] of [...this.boxes]) {
      if (want.some((b) => b.id === id)) continue;
      await host.destroy();
      this.boxes.delete(id);
    }
    for (const b of want) {
      const host = this.boxes.get(b.id);
      try {
        if (host) await host.sync(b);
        else this.boxes.set(b.id, await StorageBoxHost.start(this.names, this.plan, b, path.join(this.dataDir, 'storage-boxes', String(b.id)), this.rootfs, this.opts.bootTimeoutMs ?? 60_000));
      } catch (e) {
        throw new ApiError('resource_unavailable', `storage box ${b.id}: ${(e as Error).message}`, {}, 503);
      }
    }
  }

  /** Namespace, root and identity of a new server; on failure removes what it made and throws ApiError. */
  private async createServer(s: DesiredServer): Promise<LiveServer> {
    const problem = rootfsProblem(this.rootfs);
    if (problem) throw new ApiError('resource_unavailable', `cannot create server ${s.name}: ${problem}`, {}, 503);
    const free = memAvailableMb();
    const min = this.opts.minFreeMemoryMb ?? 256;
    if (s.running && free < min) {
      throw new ApiError('resource_unavailable', `cannot boot server ${s.name}: only ${Math.floor(free)} MB of memory available on this host, at least ${min} MB needed`, {}, 503);
    }
    const ns = this.names.server(s.id);
    const machine = new Machine({ id: s.id, machineName: this.names.machine(s.id), netns: ns, dir: path.join(this.dataDir, 'servers', String(s.id)), rootfs: this.rootfs });
    const live: LiveServer = { id: s.id, ns, machine, privateNets: new Map(), volumes: new Map(), bootMounts: new Map() };
    try {
      await addNamespace(ns);
      this.servers.set(s.id, live);
      await machine.mountRoot();
      await machine.seed({ name: s.name, sshKeys: s.sshKeys, userData: s.userData });
      return live;
    } catch (e) {
      await this.destroyServer(live);
      throw new ApiError('resource_unavailable', `cannot create server ${s.name}: ${(e as Error).message}`, {}, 503);
    }
  }

  /** Public link, private links and firewall table, changed only where they differ. */
  private async wire(live: LiveServer, s: DesiredServer): Promise<void> {
    const pub = s.ipv4 || s.ipv6Net ? `${s.ipv4 ?? ''}|${s.ipv6Net ?? ''}` : undefined;
    if (live.publicLink !== pub) {
      if (live.publicLink !== undefined) await disconnectPublic(this.names, s.id);
      if (pub) await connectPublic(this.names, this.plan, live.ns, { serverId: s.id, ipv4: s.ipv4, ipv6Net: s.ipv6Net });
      live.publicLink = pub;
    }
    for (const [networkId, have] of [...live.privateNets]) {
      const w = s.privateNets.find((p) => p.networkId === networkId);
      if (w && `${w.address}|${w.aliasIps.join(',')}|${w.mac}` === have.key) continue;
      await disconnectPrivate(live.ns, have.ifname);
      live.privateNets.delete(networkId);
    }
    for (const p of s.privateNets) {
      if (live.privateNets.has(p.networkId)) continue;
      const used = new Set([...live.privateNets.values()].map((x) => x.ifname));
      const ifname = ['enp7s0', 'enp8s0', 'enp9s0', 'enp10s0'].find((n) => !used.has(n))!;
      await connectPrivate(this.names.network(p.networkId), live.ns, { serverId: s.id, ifname, address: p.address, aliasIps: p.aliasIps, mac: p.mac });
      live.privateNets.set(p.networkId, { ifname, key: `${p.address}|${p.aliasIps.join(',')}|${p.mac}` });
    }
    if (live.firewall !== s.firewall) {
      await nft(this.names.world, s.firewall);
      live.firewall = s.firewall;
    }
  }

  private async powerOff(live: LiveServer): Promise<void> {
    for (const id of new Set([...live.volumes.keys(), ...live.bootMounts.keys()])) await this.unplug(live, id);
    await live.machine.stop();
  }

  /**
   * Does at boot what systemd does on a Hetzner server with the volume attached:
   * mounts the server's fstab lines for its volumes (boot-mounts.ts), here on
   * the host, bound into the server before its systemd starts, so services
   * that wait for the mount (RequiresMountsFor) find their data. A line that
   * cannot be mounted is skipped with a log line, as `nofail` boots on.
   */
  private async mountAtBoot(live: LiveServer, volumeIds: readonly number[]): Promise<{ host: string; machine: string }[]> {
    if (!volumeIds.length) return [];
    const fstab = path.join(live.machine.root, 'etc', 'fstab');
    // The server's own file, read from the host: never follow a link it made.
    if (!fs.existsSync(fstab) || !fs.lstatSync(fstab).isFile()) return [];
    const binds: { host: string; machine: string }[] = [];
    for (const m of bootMounts(fs.readFileSync(fstab, 'utf8'), volumeIds)) {
      let held = live.bootMounts.get(m.volumeId);
      if (!held) {
        held = { loop: await this.disks.loopAttach(m.volumeId), hostDirs: [], targets: [] };
        live.bootMounts.set(m.volumeId, held);
      }
      const dir = path.join(this.dataDir, 'volume-mounts', `${live.id}-${m.volumeId}-${held.hostDirs.length}`);
      fs.mkdirSync(dir, { recursive: true });
      const r = await trySh('mount', [...(m.fstype === 'auto' ? [] : ['-t', m.fstype]), '-o', m.options, held.loop, dir]);
      if (r.code !== 0) {
        this.log(`server ${live.id}: fstab mount of volume ${m.volumeId} at ${m.target} failed, skipped: ${r.stderr.trim()}`);
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      held.hostDirs.push(dir);
      held.targets.push(m.target);
      binds.push({ host: dir, machine: m.target });
    }
    return binds;
  }

  private async destroyServer(live: LiveServer): Promise<void> {
    await this.powerOff(live);
    await trySh('ip', ['netns', 'exec', this.names.world, 'nft', '-f', '-'], { input: removeTableScript(live.id) });
    await disconnectPublic(this.names, live.id);
    await removeNamespace(live.ns);
    await live.machine.destroy();
    this.servers.delete(live.id);
  }

  private async plugVolumes(volumes: readonly { id: number; serverId: number | null }[]): Promise<void> {
    for (const v of volumes) {
      const holder = [...this.servers.values()].find((s) => s.volumes.has(v.id));
      const target = v.serverId === null ? undefined : this.servers.get(v.serverId);
      const wanted = target?.machine.running ? target : undefined;
      if (holder === wanted) continue;
      if (holder) await this.unplug(holder, v.id);
      if (wanted) await this.plug(wanted, v.id);
    }
  }

  private async plug(live: LiveServer, volumeId: number): Promise<void> {
    const leader = live.machine.leaderPid();
    if (!leader) throw new ApiError('server_error', `server ${live.id} is not running; cannot plug in volume ${volumeId}`, {}, 500);
    const used = new Set([...live.volumes.values()].map((x) => x.dev));
    const dev = 'bcdefghijklmnopq'.split('').map((c) => `sd${c}`).find((d) => !used.has(d))!;
    // The loop device its fstab mount already uses, so the device in the server is the mounted one.
    const loop = live.bootMounts.get(volumeId)?.loop ?? (await this.disks.loopAttach(volumeId));
    try {
      await plugIntoMachine(leader, volumeId, loop, dev, this.automount.has(volumeId));
    } catch (e) {
      if (!live.bootMounts.has(volumeId)) await loopDetach(loop);
      throw new ApiError('server_error', `cannot attach volume ${volumeId} to server ${live.id}: ${(e as Error).message}`, {}, 500);
    }
    live.volumes.set(volumeId, { loop, dev });
  }

  private async unplug(live: LiveServer, volumeId: number): Promise<void> {
    const v = live.volumes.get(volumeId);
    const held = live.bootMounts.get(volumeId);
    if (!v && !held) return;
    const leader = live.machine.leaderPid();
    if (leader) {
      await unplugFromMachine(leader, volumeId, v?.dev, held?.targets ?? []).catch((e) => this.log(`unplugging volume ${volumeId}: ${(e as Error).message}`));
    }
    for (const dir of held?.hostDirs ?? []) {
      await trySh('umount', ['-l', dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await loopDetach(v?.loop ?? held!.loop);
    live.volumes.delete(volumeId);
    live.bootMounts.delete(volumeId);
  }
}
