import { cidrContains, cidrsOverlap } from '../../lib/cidr';
import { addressPlan, controlAddressFor, publicAddress, serverIpv6, subtractRanges } from '../../local-cloud/network/address-plan';

describe('local cloud address plan (pure)', () => {
  const plan = addressPlan({ slot: 5, controlIpv4: '198.51.100.1' });

  test('each slot has its own public ranges, inside 100.64.0.0/10 and 2001:db8::/32', () => {
    expect([plan.publicIpv4Range, plan.gatewayIpv4, plan.publicIpv6Range, plan.controlIpv6]).toEqual(['100.69.0.0/16', '100.69.0.1', '2001:db8:1005::/48', '2001:db8:1005:ffff::2']);
    expect(addressPlan({ slot: 0, controlIpv4: '198.51.100.1' }).publicIpv4Range).toBe('100.64.0.0/16');
  });

  test('public addresses are handed out above the gateway, one IPv6 /64 each', () => {
    expect([1, 2, 300].map((n) => publicAddress(plan, 'ipv4', n))).toEqual(['100.69.0.2', '100.69.0.3', '100.69.1.45']);
    expect(publicAddress(plan, 'ipv6', 10)).toBe('2001:db8:1005:a::/64');
    expect(serverIpv6('2001:db8:1005:a::/64')).toBe('2001:db8:1005:a::1');
  });

  test('the outside world answers for public addresses tenant files name, never for the cloud, private ranges, the control node or 192.0.2.0/24', () => {
    const inWorld = (cidr: string) => plan.worldIpv4.some((w) => cidrContains(w, cidr)) || plan.worldIpv6.some((w) => cidrContains(w, cidr));
    for (const named of ['198.51.100.128/25', '198.51.100.2/32', '203.0.113.10/32', '185.12.64.1/32', '8.8.8.8/32', '2001:db8:100::/48']) expect([named, inWorld(named)]).toEqual([named, true]);
    const never = ['192.0.2.0/24', '10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '198.51.100.1/32', '2001:db8:1005::/48', 'fd00::/8', 'fe80::/10'];
    for (const n of never) {
      expect([n, plan.worldIpv4.some((w) => cidrsOverlap(w, n)) || plan.worldIpv6.some((w) => cidrsOverlap(w, n))]).toEqual([n, false]);
    }
  });

  test('subtracting ranges leaves the fewest CIDRs', () => {
    expect(subtractRanges(['10.0.0.0/24'], ['10.0.0.0/25'])).toEqual(['10.0.0.128/25']);
    expect(subtractRanges(['10.0.0.0/30'], ['10.0.0.1/32'])).toEqual(['10.0.0.0/32', '10.0.0.2/31']);
    expect(subtractRanges(['10.0.0.0/24'], ['10.0.0.0/16'])).toEqual([]);
    expect(subtractRanges(['10.0.0.0/24'], ['2001:db8::/32'])).toEqual(['10.0.0.0/24']);
  });

  test('the control node sits at the first host of the platform management source', () => {
    expect(controlAddressFor({ management: ['198.51.100.0/28'] })).toBe('198.51.100.1');
    expect(controlAddressFor({ management: ['2001:db8:5::/48', '203.0.113.7/32'] })).toBe('203.0.113.7');
    expect(controlAddressFor({ management: ['10.0.0.0/8'] })).toBe('198.51.100.1');
    expect(controlAddressFor({})).toBe('198.51.100.1');
  });

  test('fails if the slot is out of range or the control address is not one public IPv4 address', () => {
    expect(() => addressPlan({ slot: 64, controlIpv4: '198.51.100.1' })).toThrow('slot 64 is out of range; allowed: 0..63');
    expect(() => addressPlan({ slot: 0, controlIpv4: '10.1.2.3' })).toThrow(/must be a public address outside/);
    expect(() => addressPlan({ slot: 0, controlIpv4: '192.0.2.7' })).toThrow(/must be a public address outside/);
    expect(() => addressPlan({ slot: 0, controlIpv4: '198.51.100.0/28' })).toThrow(/must be one IPv4 address/);
  });
});
