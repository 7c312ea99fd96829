import { compileFirewall, FirewallTarget } from '../../local-cloud/firewall/compile';
import type { FirewallRuleRecord } from '../../local-cloud/state';

const rule = (r: Partial<FirewallRuleRecord> & Pick<FirewallRuleRecord, 'direction' | 'protocol'>): FirewallRuleRecord => ({
  port: null,
  source_ips: [],
  destination_ips: [],
  description: null,
  ...r,
});
const target = (firewalls: FirewallTarget['firewalls'], extra: Partial<FirewallTarget> = {}): FirewallTarget => ({
  serverId: 100001,
  link: 'p100001',
  ipv4: '100.64.0.2',
  ipv6Net: '2001:db8:1000:2::/64',
  firewalls,
  ...extra,
});
/** The statements of one chain, without the hook line. */
function chain(text: string, name: 'from_server' | 'to_server'): string[] {
  const body = text.split(`chain ${name} {`)[1].split('\t}')[0];
  return body.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('type '));
}

describe('Hetzner firewall semantics compiled to nftables (pure)', () => {
  test('no firewall applied: everything passes both ways (only anti-spoofing applies)', () => {
    const text = compileFirewall(target([]));
    expect(chain(text, 'to_server').slice(-1)).toEqual(['accept comment "no firewall applied: open"']);
    expect(chain(text, 'from_server').slice(-1)).toEqual(['accept comment "outbound: no outbound rule, open"']);
    expect(chain(text, 'from_server')).toContain('ip saddr != 100.64.0.2 drop comment "anti-spoofing"');
  });

  test('inbound is default deny with the allowed sources, per address family; outbound stays open without an outbound rule', () => {
    const text = compileFirewall(target([{ id: 7, rules: [rule({ direction: 'in', protocol: 'tcp', port: '443', source_ips: ['203.0.113.10/32', '::/0'] })] }]));
    expect(chain(text, 'to_server')).toEqual([
      'oifname != "p100001" return',
      'icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept',
      'ct state established,related accept',
      'ip saddr 203.0.113.10/32 tcp dport 443 accept comment "firewall 7 rule 0"',
      'ip6 saddr ::/0 tcp dport 443 accept comment "firewall 7 rule 0"',
      'drop comment "inbound: default deny"',
    ]);
    expect(chain(text, 'from_server').slice(-1)).toEqual(['accept comment "outbound: no outbound rule, open"']);
  });

  test('one outbound rule in any applied firewall makes outbound default deny, with the rules of every firewall', () => {
    const text = compileFirewall(
      target([
        { id: 1, rules: [rule({ direction: 'in', protocol: 'icmp', source_ips: ['0.0.0.0/0', '::/0'] })] },
        { id: 2, rules: [rule({ direction: 'out', protocol: 'udp', port: '53', destination_ips: ['185.12.64.1/32'] }), rule({ direction: 'out', protocol: 'tcp', port: '8000-8010', destination_ips: ['198.51.100.0/24'] })] },
      ]),
    );
    expect(chain(text, 'from_server').slice(4)).toEqual([
      'ct state established,related accept',
      'ip daddr 185.12.64.1/32 udp dport 53 accept comment "firewall 2 rule 0"',
      'ip daddr 198.51.100.0/24 tcp dport 8000-8010 accept comment "firewall 2 rule 1"',
      'drop comment "outbound: default deny"',
    ]);
    expect(chain(text, 'to_server')).toEqual(
      expect.arrayContaining(['ip saddr 0.0.0.0/0 meta l4proto icmp accept comment "firewall 1 rule 0"', 'ip6 saddr ::/0 meta l4proto ipv6-icmp accept comment "firewall 1 rule 0"']),
    );
  });

  test('port "any", esp and gre match the protocol only', () => {
    const text = compileFirewall(
      target([
        {
          id: 3,
          rules: [
            rule({ direction: 'in', protocol: 'tcp', port: 'any', source_ips: ['10.12.0.0/16'] }),
            rule({ direction: 'in', protocol: 'esp', source_ips: ['198.51.100.0/24'] }),
            rule({ direction: 'in', protocol: 'gre', source_ips: ['198.51.100.0/24'] }),
          ],
        },
      ]),
    );
    expect(chain(text, 'to_server').slice(3, 6)).toEqual([
      'ip saddr 10.12.0.0/16 meta l4proto tcp accept comment "firewall 3 rule 0"',
      'ip saddr 198.51.100.0/24 meta l4proto esp accept comment "firewall 3 rule 1"',
      'ip saddr 198.51.100.0/24 meta l4proto gre accept comment "firewall 3 rule 2"',
    ]);
  });

  test('a server without public IPv4 or IPv6 may send none of that family', () => {
    const text = compileFirewall(target([], { ipv4: undefined, ipv6Net: undefined }));
    expect(chain(text, 'from_server')).toEqual(expect.arrayContaining(['meta nfproto ipv4 drop comment "no public IPv4"', 'ip6 saddr != fe80::/10 drop comment "no public IPv6"']));
  });

  test('the table replaces itself atomically (declare, delete, define in one nft transaction)', () => {
    const lines = compileFirewall(target([])).split('\n');
    expect(lines.slice(1, 4)).toEqual(['table inet hcfw_100001 {}', 'delete table inet hcfw_100001', 'table inet hcfw_100001 {']);
  });
});
