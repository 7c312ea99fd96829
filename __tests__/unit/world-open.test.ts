/**
 * The one world-open predicate (lib/world-open.ts): the internet written in
 * pieces, in IPv6, or as a range wide enough to be it counts like 0.0.0.0/0.
 */
import { worldOpenIngress, worldOpenRanges } from '../../lib/world-open';

describe('worldOpenRanges', () => {
  test.each([
    [['0.0.0.0/0'], { ranges: ['0.0.0.0/0'] }],
    [['::/0'], { ranges: ['::/0'] }],
    [['0.0.0.0/0', '::/0', '203.0.113.0/24'], { ranges: ['0.0.0.0/0', '::/0'] }],
  ])('the whole family %j is named as it is written', (cidrs, expected) => {
    expect(worldOpenRanges(cidrs)).toEqual(expected);
  });

  test.each([
    [['0.0.0.0/1', '128.0.0.0/1'], ['0.0.0.0/1', '128.0.0.0/1'], 'together more public IPv4 addresses than a /8 holds'],
    // Every unicast address, leaving out multicast and reserved space.
    [['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3'], ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3'], 'together more public IPv4 addresses than a /8 holds'],
    [['198.51.100.0/24', '64.0.0.0/7'], ['64.0.0.0/7'], 'more public IPv4 addresses than a /8 holds'],
    [['44.0.0.0/8', '45.0.0.0/8'], ['44.0.0.0/8', '45.0.0.0/8'], 'together more public IPv4 addresses than a /8 holds'],
    [['2000::/3'], ['2000::/3'], 'more of IPv6 global unicast (2000::/3) than a /11 holds'],
    [['::/1'], ['::/1'], 'more of IPv6 global unicast (2000::/3) than a /11 holds'],
    [['2000::/4', '3000::/4'], ['2000::/4', '3000::/4'], 'together more of IPv6 global unicast (2000::/3) than a /11 holds'],
    [['::ffff:0.0.0.0/96'], ['::ffff:0.0.0.0/96'], 'more public IPv4 addresses than a /8 holds'],
    [['::ffff:0.0.0.0/97', '::ffff:128.0.0.0/97'], ['::ffff:0.0.0.0/97', '::ffff:128.0.0.0/97'], 'together more public IPv4 addresses than a /8 holds'],
    [['64:ff9b::/96'], ['64:ff9b::/96'], 'more public IPv4 addresses than a /8 holds'],
    [['2002::/16'], ['2002::/16'], 'more public IPv4 addresses than a /8 holds'],
    // Half the IPv4 internet in IPv4-mapped form, the other half plain.
    [['::ffff:0.0.0.0/97', '128.0.0.0/1'], ['::ffff:0.0.0.0/97', '128.0.0.0/1'], 'together more public IPv4 addresses than a /8 holds'],
  ])('fails if %j is open to the internet in pieces or by width', (cidrs, ranges, why) => {
    expect(worldOpenRanges(cidrs)).toEqual({ ranges, why });
  });

  test.each([
    [['203.0.113.0/24', '198.51.100.0/24']],
    [['44.0.0.0/8']], // exactly one /8: the threshold is "more than"
    [['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8']], // not public at all
    [['224.0.0.0/3']], // multicast and reserved
    [['2a00::/12']], // a registry's whole block
    [['2001:db8::/32', 'fc00::/7', 'fe80::/10']],
    [['::ffff:10.0.0.0/104']],
    [['2002:cb00:7100::/40']], // 6to4 of 203.0.113.0/24
    [['not a cidr', '']],
  ])('accepts %j: not the internet', (cidrs) => {
    expect(worldOpenRanges(cidrs)).toBeUndefined();
  });
});

describe('worldOpenIngress', () => {
  test('ports 80 and 443 may be open to the world', () => {
    expect(worldOpenIngress({ port: '443', cidrs: ['0.0.0.0/0'] })).toBeUndefined();
    expect(worldOpenIngress({ port: '80', cidrs: ['0.0.0.0/1', '128.0.0.0/1'] })).toBeUndefined();
  });

  test('fails if another port, a range, "any" or a portless protocol is open to the world', () => {
    for (const port of ['22', '80-443', 'any', undefined]) {
      expect(worldOpenIngress({ port, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] })?.ranges).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
    }
  });
});
