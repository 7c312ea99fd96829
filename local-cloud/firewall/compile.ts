/**
 * Hetzner Cloud firewall semantics compiled to nftables (pure): the firewalls
 * that apply to one server plus where its public link is -> the text of one
 * nftables table, loaded with `nft -f` in the outside-world namespace on the
 * world's end of the server's public link (outside the machine, as on
 * Hetzner, so root on the server cannot switch it off).
 *
 * Semantics (Hetzner docs, "Firewalls"):
 * - no firewall applied: everything passes, both ways;
 * - with firewalls: inbound is denied unless a rule of any of them allows it;
 *   outbound is open until any of them has an outbound rule, then denied
 *   unless a rule allows it;
 * - stateful: replies of an allowed connection pass both ways;
 * - only the public interface is filtered: private networks never reach this
 *   table (they are separate links).
 * Added here, as on Hetzner's hosts: a server can only send from its own
 * public addresses (anti-spoofing), and IPv6 neighbour discovery always works.
 *
 * Hooks: packets from the server are checked in prerouting (priority -150,
 * before the outside world's port redirect at -100, so rules see the port
 * the server asked for); packets to the server in postrouting.
 */
import type { FirewallRecord, FirewallRuleRecord } from '../state';

export interface FirewallTarget {
  readonly serverId: number;
  /** The world's end of the server's public link, e.g. `p100001`. */
  readonly link: string;
  /** The server's public IPv4 address; without one the server may send no IPv4. */
  readonly ipv4?: string;
  /** The server's public IPv6 /64; without one the server may send no global IPv6. */
  readonly ipv6Net?: string;
  /** Every firewall that applies to the server (directly or by label selector), in id order. */
  readonly firewalls: readonly Pick<FirewallRecord, 'id' | 'rules'>[];
}

export function tableName(serverId: number): string {
  return `hcfw_${serverId}`;
}

/** An nft script that removes the server's table (and does not fail when it is gone). */
export function removeTableScript(serverId: number): string {
  const t = `inet ${tableName(serverId)}`;
  return `table ${t} {}\ndelete table ${t}\n`;
}

const ND = 'icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept';

function family(cidr: string): 'ip' | 'ip6' {
  return cidr.includes(':') ? 'ip6' : 'ip';
}

/** The protocol/port part of a rule, per address family. */
function match(rule: FirewallRuleRecord, fam: 'ip' | 'ip6'): string {
  switch (rule.protocol) {
    case 'tcp':
    case 'udp':
      return rule.port === null || rule.port === 'any' ? `meta l4proto ${rule.protocol}` : `${rule.protocol} dport ${rule.port}`;
    case 'icmp':
      return fam === 'ip' ? 'meta l4proto icmp' : 'meta l4proto ipv6-icmp';
    case 'esp':
      return 'meta l4proto esp';
    case 'gre':
      return 'meta l4proto gre';
  }
}

/** One accept statement per address of the rule (nft rejects overlapping ranges inside one set). */
function accepts(fw: Pick<FirewallRecord, 'id' | 'rules'>, direction: 'in' | 'out'): string[] {
  const out: string[] = [];
  fw.rules.forEach((rule, i) => {
    if (rule.direction !== direction) return;
    const cidrs = direction === 'in' ? rule.source_ips : rule.destination_ips;
    const key = direction === 'in' ? 'saddr' : 'daddr';
    for (const cidr of cidrs) {
      const fam = family(cidr);
      out.push(`${fam} ${key} ${cidr} ${match(rule, fam)} accept comment "firewall ${fw.id} rule ${i}"`);
    }
  });
  return out;
}

export function compileFirewall(t: FirewallTarget): string {
  const filtered = t.firewalls.length > 0;
  const outboundRestricted = t.firewalls.some((fw) => fw.rules.some((r) => r.direction === 'out'));
  const spoofing = [
    t.ipv4 ? `ip saddr != ${t.ipv4} drop comment "anti-spoofing"` : 'meta nfproto ipv4 drop comment "no public IPv4"',
    t.ipv6Net ? `ip6 saddr != { ${t.ipv6Net}, fe80::/10 } drop comment "anti-spoofing"` : 'ip6 saddr != fe80::/10 drop comment "no public IPv6"',
  ];
  const fromServer = [
    `iifname != "${t.link}" return`,
    ND,
    ...spoofing,
    'ct state established,related accept',
    ...(outboundRestricted ? [...t.firewalls.flatMap((fw) => accepts(fw, 'out')), 'drop comment "outbound: default deny"'] : ['accept comment "outbound: no outbound rule, open"']),
  ];
  const toServer = [
    `oifname != "${t.link}" return`,
    ND,
    'ct state established,related accept',
    ...(filtered ? [...t.firewalls.flatMap((fw) => accepts(fw, 'in')), 'drop comment "inbound: default deny"'] : ['accept comment "no firewall applied: open"']),
  ];
  const name = `inet ${tableName(t.serverId)}`;
  const chain = (id: string, hook: string, body: string[]) =>
    [`\tchain ${id} {`, `\t\ttype filter hook ${hook}; policy accept;`, ...body.map((l) => `\t\t${l}`), '\t}'].join('\n');
  return [
    `# server ${t.serverId}: ${t.firewalls.length ? `firewalls ${t.firewalls.map((f) => f.id).join(', ')}` : 'no firewall'}`,
    `table ${name} {}`,
    `delete table ${name}`,
    `table ${name} {`,
    chain('from_server', 'prerouting priority -150', fromServer),
    chain('to_server', 'postrouting priority 50', toServer),
    '}',
    '',
  ].join('\n');
}
