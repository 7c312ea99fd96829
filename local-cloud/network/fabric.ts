/**
 * The local cloud's networks, made of network namespaces and veth links (a
 * thin shell over `ip`; the addresses come from address-plan.ts):
 *
 *   host (control node) --lc-<name>-- [world] --p<id>-- [server <id>] --enp7s0-- [net <id>: bridge br0]
 *
 * - world: the public segment's router and the "outside world" in one
 *   namespace. Every server's public link ends here as a routed /32 (and /64),
 *   as on Hetzner, so all public traffic, server to server too, passes the
 *   firewall tables loaded here (firewall/compile.ts). Every routable address
 *   outside the cloud is local here (AnyIP routes on lo) and TCP to any of them
 *   is answered by the responder, so egress can be probed against a real
 *   listener; UDP is answered by ICMP port unreachable. The world has no route
 *   to anything else: no traffic leaves this machine, nothing reaches eth0.
 * - the control node reaches the public ranges through `lc-<name>`, from the
 *   plan's control address, and nothing else goes that way (forwarding off).
 * - each Storage Box is a namespace of its own (its SFTP server), linked to
 *   the world (`b<id>`) and routed from it, so servers reach it through their
 *   firewalls like any public address; its address may lie outside the
 *   cloud's public range (the platform file names it), so it is carved out
 *   of the world's AnyIP ranges and routed from the control node too.
 * - each Hetzner network is a namespace with one bridge carrying the gateway
 *   address; a server attached to it has a link into that bridge only, so
 *   different networks cannot reach each other at all.
 */
import { ChildProcess, spawn } from 'child_process';
import type { CloudNames } from './names';
import type { AddressPlan } from './address-plan';
import { serverIpv6 } from './address-plan';
import { ipBatch, sh, trySh } from '../machines/command';

/** Port the world's responder listens on; every TCP port of the world is redirected to it. */
const RESPONDER_PORT = 7;

/** The outside world's TCP listener: answers every connection with one line naming what was reached. */
const RESPONDER = `
import socket, threading
def serve(family, addr):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, ${RESPONDER_PORT}))
    s.listen(512)
    while True:
        c, peer = s.accept()
        try:
            c.sendall(b"outside world\\n")
        except OSError:
            pass
        c.close()
threading.Thread(target=serve, args=(socket.AF_INET6, "::"), daemon=True).start()
serve(socket.AF_INET, "0.0.0.0")
`;

const QUIET_NS_SYSCTLS = ['net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_ra=0'];

async function sysctl(ns: string, settings: readonly string[]): Promise<void> {
  await sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings]);
}

export async function addNamespace(ns: string): Promise<void> {
  await sh('ip', ['netns', 'add', ns]);
  await sysctl(ns, QUIET_NS_SYSCTLS);
  await ipBatch(ns, ['link set lo up']);
}

/** Deletes the namespace's links first (so no veth outlives the call), then the namespace. */
export async function removeNamespace(ns: string): Promise<void> {
  const links = await trySh('ip', ['-n', ns, '-o', 'link', 'show']);
  if (links.code !== 0) return; // already gone
  for (const line of links.stdout.split('\n')) {
    const name = /^\d+: ([^:@]+)[@:]/.exec(line)?.[1];
    if (name && name !== 'lo') await trySh('ip', ['-n', ns, 'link', 'del', name]);
  }
  await trySh('ip', ['netns', 'del', ns]);
}

export interface World {
  /** The responder process (stopped by removeWorld). */
  readonly responder: ChildProcess;
}

export async function createWorld(names: CloudNames, plan: AddressPlan): Promise<World> {
  const w = names.world;
  await addNamespace(w);
  await sysctl(w, ['net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1', 'net.ipv4.icmp_ratelimit=0', 'net.ipv6.icmp.ratelimit=0', 'net.ipv6.ip_nonlocal_bind=1']);
  await ipBatch(w, [...plan.worldIpv4.map((c) => `route add local ${c} dev lo`), ...plan.worldIpv6.map((c) => `route add local ${c} dev lo`)]);

  // The control node's link.
  const host = names.hostLink;
  await sh('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', names.worldControlLink, 'netns', w]);
  await sh('sysctl', ['-q', '-w', `net.ipv4.conf.${host}.forwarding=0`, `net.ipv6.conf.${host}.forwarding=0`, `net.ipv6.conf.${host}.accept_dad=0`, `net.ipv6.conf.${host}.accept_ra=0`]);
  await ipBatch(undefined, [
    `address add ${plan.controlIpv4}/32 dev ${host}`,
    `address add ${plan.controlIpv6}/128 dev ${host} nodad`,
    `link set ${host} up`,
    `route add ${plan.publicIpv4Range} via ${plan.gatewayIpv4} dev ${host} onlink src ${plan.controlIpv4}`,
    `route add ${plan.publicIpv6Range} via ${plan.gatewayIpv6} dev ${host} src ${plan.controlIpv6}`,
  ]);
  const ctl = names.worldControlLink;
  await ipBatch(w, [
    `link set ${ctl} up`,
    `address add ${plan.gatewayIpv4}/32 dev ${ctl}`,
    `address add ${plan.gatewayIpv6}/64 dev ${ctl} nodad`,
    `route add ${plan.controlIpv4}/32 dev ${ctl}`,
    `route add ${plan.controlIpv6}/128 dev ${ctl}`,
  ]);

  // Every TCP port of every outside address reaches the responder.
  await sh('ip', ['netns', 'exec', w, 'nft', '-f', '-'], {
    input: `table inet world {\n\tchain to_responder {\n\t\ttype nat hook prerouting priority -100; policy accept;\n\t\tfib daddr type local meta l4proto tcp redirect to :${RESPONDER_PORT}\n\t}\n}\n`,
  });
  const responder = spawn('ip', ['netns', 'exec', w, 'python3', '-c', RESPONDER], { stdio: 'ignore', detached: true });
  responder.unref();
  return { responder };
}

export async function removeWorld(names: CloudNames, world?: World): Promise<void> {
  if (world?.responder.pid) {
    try {
      process.kill(world.responder.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await trySh('ip', ['link', 'del', names.hostLink]);
  await removeNamespace(names.world);
}

export async function createNetwork(ns: string, gateway: string, networkId: number): Promise<void> {
  await addNamespace(ns);
  // A fixed MAC: a bridge without one takes the lowest MAC of its ports, so the gateway's
  // MAC would change whenever a server attaches or leaves and servers' ARP entries go stale.
  const mac = ['86', '01', ...[24, 16, 8, 0].map((s) => ((networkId >> s) & 255).toString(16).padStart(2, '0'))].join(':');
  await ipBatch(ns, [`link add br0 address ${mac} type bridge`, `address add ${gateway} dev br0`, 'link set br0 up']);
}

export interface PublicLink {
  readonly serverId: number;
  readonly ipv4?: string;
  readonly ipv6Net?: string;
}

/** The server's public link: eth0 in the server, p<id> in the world, routed (/32, /64) as on Hetzner. */
export async function connectPublic(names: CloudNames, plan: AddressPlan, serverNs: string, link: PublicLink): Promise<void> {
  if (!link.ipv4 && !link.ipv6Net) return;
  const p = `p${link.serverId}`;
  await sh('ip', ['link', 'add', p, 'netns', names.world, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', serverNs]);
  const world = [`link set ${p} up`, `address add ${plan.gatewayIpv6}/64 dev ${p} nodad`];
  const server = ['link set eth0 up'];
  if (link.ipv4) {
    world.push(`address add ${plan.gatewayIpv4}/32 dev ${p}`, `route add ${link.ipv4}/32 dev ${p}`);
    server.push(`address add ${link.ipv4}/32 dev eth0`, `route add default via ${plan.gatewayIpv4} dev eth0 onlink`);
  }
  if (link.ipv6Net) {
    world.push(`route add ${link.ipv6Net} dev ${p}`);
    server.push(`address add ${serverIpv6(link.ipv6Net)}/64 dev eth0 nodad`, `route add ::/0 via ${plan.gatewayIpv6} dev eth0`);
  }
  await ipBatch(names.world, world);
  await ipBatch(serverNs, server);
}

export async function disconnectPublic(names: CloudNames, serverId: number): Promise<void> {
  await trySh('ip', ['-n', names.world, 'link', 'del', `p${serverId}`]);
}

/** A Storage Box's link: eth0 in its namespace, b<id> in the world, its address routed there (also from the control node). */
export async function connectStorageBox(names: CloudNames, plan: AddressPlan, boxNs: string, boxId: number, address: string): Promise<void> {
  const b = `b${boxId}`;
  await sh('ip', ['link', 'add', b, 'netns', names.world, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', boxNs]);
  // In the local table: the world answers every outside address itself (AnyIP), except this one.
  await ipBatch(names.world, [`link set ${b} up`, `address add ${plan.gatewayIpv4}/32 dev ${b}`, `route add ${address}/32 dev ${b} table local`]);
  await ipBatch(boxNs, ['link set eth0 up', `address add ${address}/32 dev eth0`, `route add default via ${plan.gatewayIpv4} dev eth0 onlink`]);
  await ipBatch(undefined, [`route replace ${address}/32 via ${plan.gatewayIpv4} dev ${names.hostLink} onlink src ${plan.controlIpv4}`]);
}

export async function disconnectStorageBox(names: CloudNames, boxId: number, address: string): Promise<void> {
  await trySh('ip', ['-n', names.world, 'route', 'del', `${address}/32`, 'table', 'local']);
  await trySh('ip', ['-n', names.world, 'link', 'del', `b${boxId}`]);
  await trySh('ip', ['route', 'del', `${address}/32`, 'dev', names.hostLink]);
}

export interface PrivateLink {
  readonly serverId: number;
  /** Interface name in the server (enp7s0, enp8s0, enp9s0: Hetzner's names). */
  readonly ifname: string;
  /** `10.12.1.10/16` */
  readonly address: string;
  readonly aliasIps: readonly string[];
  readonly mac: string;
}

export async function connectPrivate(networkNs: string, serverNs: string, link: PrivateLink): Promise<void> {
  const s = `s${link.serverId}`;
  await sh('ip', ['link', 'add', s, 'netns', networkNs, 'type', 'veth', 'peer', 'name', link.ifname, 'netns', serverNs]);
  await ipBatch(networkNs, [`link set ${s} master br0`, `link set ${s} up`]);
  await ipBatch(serverNs, [
    `link set ${link.ifname} address ${link.mac}`,
    `address add ${link.address} dev ${link.ifname}`,
    ...link.aliasIps.map((ip) => `address add ${ip}/32 dev ${link.ifname}`),
    `link set ${link.ifname} up`,
  ]);
}

export async function disconnectPrivate(serverNs: string, ifname: string): Promise<void> {
  await trySh('ip', ['-n', serverNs, 'link', 'del', ifname]);
}
