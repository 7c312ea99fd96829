/**
 * Fidelity of the local Hetzner Cloud API, checked with a client we did not
 * write: hcloud-python (Debian's python3-hcloud), one script run per case
 * (test-support/hcloud-python-fidelity.py). Each case does what a user of
 * that client would do; where Hetzner refuses, the client must raise an
 * APIException with Hetzner's code, and where Hetzner accepts, it must not.
 *
 * hcloud-python 1.18 has no DNS zone client, so the DNS cases go through its
 * low-level `client.request(...)` (still its HTTP, auth and error handling).
 */
import { HcloudApi, HcloudApiOptions, startHcloudApi } from '../../local-cloud';
import { ok } from '../../local-cloud/client';
import { findHcloudPython, HcloudPython, runFidelityCase } from '../../test-support/hcloud-python';

jest.setTimeout(120_000);

describe('the local API as hcloud-python sees it: it refuses what Hetzner refuses, with Hetzner\'s codes', () => {
  let py: HcloudPython;
  let api: HcloudApi | undefined;

  beforeAll(() => {
    const found = findHcloudPython();
    if (typeof found === 'string') throw new Error(found);
    py = found;
  });

  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  /** Runs a case on a fresh local API (set up by `prepare`). */
  async function run(name: string, opts: HcloudApiOptions = {}, prepare?: (a: HcloudApi) => Promise<void> | void) {
    api = await startHcloudApi({ log: () => undefined, ...opts });
    await prepare?.(api);
    return runFidelityCase(py, api.url, name);
  }
  const code = async (...args: Parameters<typeof run>) => (await run(...args)).error?.code;

  test('the client is hcloud-python from Debian', () => {
    expect(py.version).toMatch(/^\d+\.\d+/);
  });

  describe('DNS: Hetzner DNS has no subzones', () => {
    test('fails if a zone is a subdomain (tenants.example.com): invalid_input', async () => {
      expect(await code('zone_subdomain')).toBe('invalid_input');
      expect(api!.state.zones).toEqual([]);
    });

    test('a registered domain (example.co.uk) with the suffix in the record name (acme.tenants) is accepted', async () => {
      expect(await run('zone_registered_domain')).toEqual({ ok: { zone: 'example.co.uk', rrset: 'acme.tenants/A' } });
    });

    test('fails if an rrset name ends with the zone name: invalid_input', async () => {
      expect(await code('rrset_ending_with_zone')).toBe('invalid_input');
      expect(api!.state.rrsets.map((r) => r.name)).toEqual(['@', '@']); // SOA and NS only
    });
  });

  describe('firewalls', () => {
    test('fails if applied to a server without a public interface: private_net_only_server', async () => {
      expect(await code('firewall_on_private_only_server')).toBe('private_net_only_server');
      expect(api!.state.firewalls[0].apply_to).toEqual([]);
    });

    test('fails if one server is named twice in apply_to: server_already_added', async () => {
      expect(await code('firewall_same_server_twice')).toBe('server_already_added');
      expect(api!.state.firewalls).toEqual([]);
    });

    test('a server with a public interface is accepted', async () => {
      const r = await run('firewall_public_server');
      expect(r.ok.applied_to).toEqual([r.ok.server]);
    });
  });

  describe('servers', () => {
    test('fails if the name is not an RFC 1123 hostname (my_server): invalid_input', async () => {
      expect(await code('server_name_not_hostname')).toBe('invalid_input');
      expect(api!.state.servers).toEqual([]);
    });

    test('fails if a network would hold a 101st server: resource_limit_exceeded', async () => {
      const result = await code('server_in_full_network', {}, async (a) => {
        const net = (await ok(a.url, 'POST', '/networks', { name: 'full-net', ip_range: '10.60.0.0/16', subnets: [{ type: 'cloud', ip_range: '10.60.1.0/24', network_zone: 'eu-central' }] })).network;
        for (let i = 1; i <= 100; i++) await ok(a.url, 'POST', '/servers', { name: `s-${i}`, server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', networks: [net.id] });
      });
      expect(result).toBe('resource_limit_exceeded');
      expect(api!.state.servers).toHaveLength(100);
    });

    test('fails if the request sends the removed datacenter field: invalid_input', async () => {
      expect(await code('datacenter_on_input')).toBe('invalid_input');
    });

    test('datacenter is not returned; location is', async () => {
      expect(await run('datacenter_not_returned')).toEqual({ ok: { datacenter: null, raw_has_datacenter: false, location: 'nbg1' } });
    });
  });

  describe('faults and actions', () => {
    test('an injected 423 reaches the client as locked', async () => {
      expect(await code('locked', {}, (a) => void a.faults.add({ method: 'POST', path: '/servers/*/actions/poweron', status: 423, nth: 1 }))).toBe('locked');
    });

    test('an injected 409 reaches the client as conflict', async () => {
      expect(await code('conflict', {}, (a) => void a.faults.add({ method: 'PUT', path: '/networks/*', status: 409, nth: 1 }))).toBe('conflict');
    });

    test('an action that takes time is running first, and the client waits until it succeeded', async () => {
      expect(await run('action_takes_time', { actionPolls: 2 })).toEqual({ ok: { started: 'running', finished: 'success' } });
      expect(api!.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/actions/')).length).toBeGreaterThanOrEqual(2);
    });
  });

  test('every call the client made hit an implemented route', async () => {
    // The last case's API is stopped by afterEach; run one more that touches servers, firewalls and zones.
    await run('firewall_public_server');
    await runFidelityCase(py, api!.url, 'zone_registered_domain');
    expect(api!.unknownRoutes).toEqual([]);
  });
});
