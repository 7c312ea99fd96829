/**
 * Fault injection with the real provider: 500s, 429s, 409 conflicts and 423
 * locks on chosen calls, and what a re-run of `tofu apply` makes of them. The
 * invariant after every converged run: each named resource exists exactly
 * once, and everything the API holds is in the tofu state (no orphans).
 */
import { HcloudApi, startHcloudApi } from '../../local-cloud';
import { expectExit, TofuWorkspace, tofuProblem, tofuWorkspace } from '../../test-support/tofu-async';

jest.setTimeout(300_000);

/** A small tenant: network, subnet, firewall by selector, two servers, a volume, a DNS record. */
function config(tenant: string, seq: number): Record<string, unknown> {
  const labels = { tenant_id: tenant, managed_by: 'hetzner-tenants' };
  const server = (n: number) => ({
    name: `tenant-${tenant}-app-${n}`,
    server_type: 'cx22',
    image: 'ubuntu-24.04',
    location: 'fsn1',
    labels: { ...labels, role: 'worker' },
    network: [{ network_id: '${hcloud_network.net.id}', ip: `10.${seq}.1.${9 + n}` }],
    depends_on: ['hcloud_network_subnet.sub'],
  });
  return {
    hcloud_network: { net: { name: `tenant-${tenant}-net`, ip_range: `10.${seq}.0.0/16`, labels } },
    hcloud_network_subnet: { sub: { network_id: '${hcloud_network.net.id}', type: 'cloud', network_zone: 'eu-central', ip_range: `10.${seq}.1.0/24` } },
    hcloud_firewall: {
      fw: {
        name: `tenant-${tenant}-fw`,
        labels,
        rule: [{ direction: 'out', protocol: 'tcp', port: 'any', destination_ips: [`10.${seq}.0.0/16`] }],
        apply_to: [{ label_selector: `tenant_id=${tenant}` }],
      },
    },
    hcloud_server: { app1: server(1), app2: server(2) },
    hcloud_volume: { data: { name: `tenant-${tenant}-data`, size: 10, location: 'fsn1', format: 'xfs', labels } },
    hcloud_volume_attachment: { att: { volume_id: '${hcloud_volume.data.id}', server_id: '${hcloud_server.app1.id}' } },
  };
}

describe('faults injected into the local API, with the real provider', () => {
  let api: HcloudApi;
  const workspaces: TofuWorkspace[] = [];

  beforeAll(async () => {
    const problem = tofuProblem();
    if (problem) throw new Error(problem);
    api = await startHcloudApi({ seed: 7 });
  });

  afterAll(async () => {
    await api?.stop();
    for (const ws of workspaces) ws.remove();
  });

  async function workspace(tenant: string, seq: number): Promise<TofuWorkspace> {
    const ws = tofuWorkspace(api.url);
    workspaces.push(ws);
    ws.write(config(tenant, seq));
    expectExit(await ws.init(), 0, 'init');
    return ws;
  }

  /** Each resource of the tenant exists once in the API, and the API holds nothing tofu does not know. */
  async function expectConverged(ws: TofuWorkspace, tenant: string): Promise<void> {
    const s = api.state;
    const names = (xs: { name: string; labels: Record<string, string> }[]) => xs.filter((x) => x.labels.tenant_id === tenant).map((x) => x.name).sort();
    expect(names(s.servers)).toEqual([`tenant-${tenant}-app-1`, `tenant-${tenant}-app-2`]);
    expect(names(s.networks)).toEqual([`tenant-${tenant}-net`]);
    expect(names(s.firewalls)).toEqual([`tenant-${tenant}-fw`]);
    expect(names(s.volumes)).toEqual([`tenant-${tenant}-data`]);
    const managed = new Set((await ws.managed()).map((m) => `${m.type}:${m.id}`));
    const live = [
      ...s.servers.filter((x) => x.labels.tenant_id === tenant).map((x) => `hcloud_server:${x.id}`),
      ...s.networks.filter((x) => x.labels.tenant_id === tenant).map((x) => `hcloud_network:${x.id}`),
      ...s.firewalls.filter((x) => x.labels.tenant_id === tenant).map((x) => `hcloud_firewall:${x.id}`),
      ...s.volumes.filter((x) => x.labels.tenant_id === tenant).map((x) => `hcloud_volume:${x.id}`),
    ];
    expect(live.filter((x) => !managed.has(x))).toEqual([]);
    expectExit(await ws.plan(), 0, 'plan after convergence');
  }

  test('a 500 on server create fails the apply; the re-run converges with no duplicate and no orphan', async () => {
    const ws = await workspace('alpha', 21);
    api.faults.add({ method: 'POST', path: '/servers', status: 500, nth: 1 });
    const failed = await ws.apply();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/server_error/);
    api.faults.clear();
    expectExit(await ws.apply(), 0, 're-run');
    await expectConverged(ws, 'alpha');
  });

  test('429 rate limiting is retried by the client: the first apply succeeds', async () => {
    const ws = await workspace('bravo', 22);
    const before = api.faults.injected.length;
    api.faults.add({ status: 429, nth: [2, 5, 9], path: '/**' });
    expectExit(await ws.apply(), 0, 'apply under rate limiting');
    api.faults.clear();
    expect(api.faults.injected.length - before).toBe(3);
    expect(api.faults.injected.slice(before).every((f) => f.status === 429)).toBe(true);
    await expectConverged(ws, 'bravo');
  });

  test('a 409 conflict is retried by the client and a 423 locked attachment by the provider: the first apply succeeds', async () => {
    const ws = await workspace('echo', 25);
    const before = api.faults.injected.length;
    api.faults.add({ method: 'POST', path: '/networks', status: 409, nth: 1 });
    api.faults.add({ method: 'POST', path: '/servers/*/actions/attach_to_network', status: 423, nth: 1 });
    api.faults.add({ method: 'POST', path: '/volumes/*/actions/attach', status: 423, nth: 1 });
    expectExit(await ws.apply(), 0, 'apply with a conflict and locked resources');
    api.faults.clear();
    expect(api.faults.injected.slice(before).map((f) => f.status).sort()).toEqual([409, 423, 423]);
    await expectConverged(ws, 'echo');
  });

  test('random 500s on a fifth of all calls (seeded): repeated applies converge with no duplicate and no orphan', async () => {
    const ws = await workspace('charlie', 23);
    api.faults.clear(42);
    // A budget of injected faults: tofu's parallel calls reach the seeded RNG in a varying
    // order, so without one the run count is a matter of luck (seen: 15 runs not enough).
    api.faults.add({ status: 500, probability: 0.2, path: '/**', times: 12 });
    let runs = 0;
    let last;
    do {
      last = await ws.apply();
      runs++;
    } while (last.code !== 0 && runs < 15);
    api.faults.clear();
    expectExit(last, 0, `apply after ${runs} runs`);
    expect(runs).toBeGreaterThan(1); // the faults did hit
    await expectConverged(ws, 'charlie');
  });

  test('a lost answer (the change happened, the 500 came after) leaves an orphan: the re-run is refused with uniqueness_error, never duplicated', async () => {
    const ws = await workspace('delta', 24);
    api.faults.add({ method: 'POST', path: '/servers', status: 500, nth: 1, when: 'after' });
    const first = await ws.apply();
    expect(first.code).toBe(1);
    // It failed on the lost answer, not on something else (then the re-run would simply succeed).
    expect(first.stderr).toMatch(/server_error/);
    expect(api.faults.injected[api.faults.injected.length - 1]).toMatchObject({ method: 'POST', path: '/servers', when: 'after' });
    api.faults.clear();
    const rerun = await ws.apply();
    expect(rerun.code).toBe(1);
    expect(rerun.stderr).toMatch(/uniqueness_error/);
    const names = api.state.servers.map((s) => s.name).filter((n) => n.startsWith('tenant-delta-'));
    expect(names.sort()).toEqual(['tenant-delta-app-1', 'tenant-delta-app-2']);
  });

  test('every call hit an implemented route', () => {
    expect(api.unknownRoutes).toEqual([]);
  });
});
