import { cidrContains, cidrsOverlap, ipv4Host, isRfc1918, isWorld, parseCidr, privateRangeProblem } from '../../lib/cidr';

const canonical = (input: string) => {
  const r = parseCidr(input);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const error = (input: string) => {
  const r = parseCidr(input);
  if (r.ok) throw new Error(`${input} parsed as ${r.value.cidr}`);
  return r.error;
};

describe('parseCidr', () => {
  test('turns a bare IPv4 address into a /32 and a bare IPv6 address into a /128', () => {
    expect(canonical('203.0.113.7')).toEqual({ cidr: '203.0.113.7/32', version: 4, prefix: 32, hadHostBits: false, wasBareAddress: true });
    expect(canonical('2001:db8::1')).toEqual({ cidr: '2001:db8::1/128', version: 6, prefix: 128, hadHostBits: false, wasBareAddress: true });
  });

  test('clears host bits and says so', () => {
    expect(canonical('10.1.1.5/24')).toMatchObject({ cidr: '10.1.1.0/24', hadHostBits: true, wasBareAddress: false });
    expect(canonical('2001:db8:0:0:1::/48')).toMatchObject({ cidr: '2001:db8::/48', hadHostBits: true });
    expect(canonical('1.2.3.4/0')).toMatchObject({ cidr: '0.0.0.0/0', hadHostBits: true });
    expect(canonical('10.1.1.0/24').hadHostBits).toBe(false);
  });

  test('writes IPv6 in its canonical short form (RFC 5952)', () => {
    expect(canonical('2001:0DB8:0000:0000:0000:0000:0000:0001').cidr).toBe('2001:db8::1/128');
    expect(canonical('2001:db8:0:0:1:0:0:1').cidr).toBe('2001:db8::1:0:0:1/128'); // the first of two equal runs
    expect(canonical('2001:db8:0:1:1:1:1:1').cidr).toBe('2001:db8:0:1:1:1:1:1/128'); // one zero word stays
    expect(canonical('2001:db8:0:0:1:0:0:0').cidr).toBe('2001:db8:0:0:1::/128'); // the longest run
    expect(canonical('0:0:0:0:0:0:0:0/0').cidr).toBe('::/0');
    expect(canonical('::1').cidr).toBe('::1/128');
    expect(canonical('::ffff:192.0.2.1').cidr).toBe('::ffff:192.0.2.1/128');
    expect(canonical('1:2:3:4:5:6:7::').cidr).toBe('1:2:3:4:5:6:7:0/128');
  });

  test('fails if the address or the prefix is invalid', () => {
    expect(error('10.0.0.256')).toBe('"10.0.0.256" is not an IPv4 or IPv6 address or CIDR');
    expect(error('010.0.0.1')).toBe('"010.0.0.1" is not an IPv4 or IPv6 address or CIDR');
    expect(error('10.0.0')).toBe('"10.0.0" is not an IPv4 or IPv6 address or CIDR');
    expect(error('10.0.0.0/33')).toBe('"10.0.0.0/33" has an invalid prefix length (IPv4 allows /0 to /32)');
    expect(error('2001:db8::/129')).toBe('"2001:db8::/129" has an invalid prefix length (IPv6 allows /0 to /128)');
    expect(error('10.0.0.0/024')).toBe('"10.0.0.0/024" has an invalid prefix length (IPv4 allows /0 to /32)');
    expect(error('2001:db8:::1')).toBe('"2001:db8:::1" is not an IPv4 or IPv6 address or CIDR');
    expect(error('1::2::3')).toBe('"1::2::3" is not an IPv4 or IPv6 address or CIDR');
    expect(error('1.2.3.4::')).toBe('"1.2.3.4::" is not an IPv4 or IPv6 address or CIDR');
    expect(error('1:2:3:4:5:6:7:8:9')).toBe('"1:2:3:4:5:6:7:8:9" is not an IPv4 or IPv6 address or CIDR');
    expect(error('fe80::1%eth0')).toBe('"fe80::1%eth0" is not an IPv4 or IPv6 address or CIDR');
    expect(error('10.0.0.0/8/8')).toBe('"10.0.0.0/8/8" is not an IP address or CIDR');
    expect(error('')).toBe('"" is not an IP address or CIDR');
  });
});

describe('ranges', () => {
  test('accepts only RFC 1918 ranges as private networks', () => {
    for (const ok of ['10.0.0.0/8', '10.12.0.0/16', '172.16.0.0/12', '172.31.255.0/24', '192.168.0.0/16']) {
      expect(isRfc1918(ok)).toBe(true);
      expect(privateRangeProblem(ok)).toBeUndefined();
    }
    expect(isRfc1918('172.32.0.0/16')).toBe(false);
    expect(isRfc1918('10.0.0.0/7')).toBe(false);
    expect(isRfc1918('fd00::/8')).toBe(false);
    expect(isRfc1918('not-a-cidr')).toBe(false);
  });

  test('fails if a private network is outside RFC 1918, naming the allowed blocks', () => {
    expect(privateRangeProblem('172.32.0.0/16')).toBe('172.32.0.0/16 is not a private range; allowed: inside an RFC 1918 block (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)');
    expect(privateRangeProblem('10.300.0.0/16')).toBe('"10.300.0.0/16" is not an IPv4 or IPv6 address or CIDR; allowed: an RFC 1918 range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)');
  });

  test('knows containment, overlap, the world and host addresses', () => {
    expect(cidrContains('10.0.0.0/8', '10.12.1.0/24')).toBe(true);
    expect(cidrContains('10.12.1.0/24', '10.0.0.0/8')).toBe(false);
    expect(cidrContains('::/0', '10.0.0.0/8')).toBe(false);
    expect(cidrsOverlap('10.12.0.0/16', '10.12.1.0/24')).toBe(true);
    expect(cidrsOverlap('10.12.0.0/16', '10.13.0.0/16')).toBe(false);
    expect(isWorld('0.0.0.0/0')).toBe(true);
    expect(isWorld('::/0')).toBe(true);
    expect(isWorld('0.0.0.0/1')).toBe(false);
    expect(ipv4Host('10.12.1.0/24', 10)).toBe('10.12.1.10');
    expect(() => ipv4Host('10.12.1.0/24', 256)).toThrow('host 256 is outside 10.12.1.0/24');
  });
});
