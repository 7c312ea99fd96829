/**
 * State kept in a JSON file survives a restart of the local API: tofu, pointed
 * at the restarted server (new port), sees no drift, and changes and destroy
 * work on the resources created before the restart.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HcloudApi, startHcloudApi } from '../../local-cloud';
import { expectExit, TofuWorkspace, tofuProblem, tofuWorkspace } from '../../test-support/tofu-async';

jest.setTimeout(180_000);

function config(role: string): Record<string, unknown> {
  const labels = { tenant_id: 'echo', managed_by: 'hetzner-tenants' };
  return {
    hcloud_network: { net: { name: 'tenant-echo-net', ip_range: '10.30.0.0/16', labels } },
    hcloud_network_subnet: { sub: { network_id: '${hcloud_network.net.id}', type: 'cloud', network_zone: 'eu-central', ip_range: '10.30.1.0/24' } },
    hcloud_firewall: { fw: { name: 'tenant-echo-fw', labels, apply_to: [{ label_selector: 'tenant_id=echo' }] } },
    hcloud_server: {
      app: {
        name: 'tenant-echo-app-1',
        server_type: 'cx22',
        image: 'debian-12',
        location: 'hel1',
        labels: { ...labels, role },
        // Without an explicit ip the provider plans a network change on every run (the set element's computed ip).
        network: [{ network_id: '${hcloud_network.net.id}', ip: '10.30.1.10' }],
        depends_on: ['hcloud_network_subnet.sub'],
      },
    },
    hcloud_zone: { zone: { name: 'echo-example.com', mode: 'primary', labels } },
    hcloud_zone_rrset: { www: { zone: '${hcloud_zone.zone.name}', name: 'www', type: 'A', records: [{ value: '${hcloud_server.app.ipv4_address}' }] } },
  };
}

describe('the local API restarted from its JSON state file', () => {
  let dir: string;
  let api: HcloudApi | undefined;
  let ws: TofuWorkspace;

  beforeAll(() => {
    const problem = tofuProblem();
    if (problem) throw new Error(problem);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hcloud-api-restart-'));
  });

  afterAll(async () => {
    await api?.stop();
    ws?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('keeps every resource across a restart; tofu sees no drift and can change and destroy them', async () => {
    const stateFile = path.join(dir, 'api-state.json');
    api = await startHcloudApi({ stateFile });
    ws = tofuWorkspace(api.url);
    ws.write(config('worker'));
    expectExit(await ws.init(), 0, 'init');
    expectExit(await ws.apply(), 0, 'apply');
    const before = JSON.parse(JSON.stringify(api.state));
    const oldPort = api.port;
    await api.stop();
    api = undefined;
    expect(fs.existsSync(stateFile)).toBe(true);

    api = await startHcloudApi({ stateFile });
    expect(api.port).not.toBe(oldPort);
    expect(api.state.servers).toEqual(before.servers);
    expect(api.state.rrsets).toEqual(before.rrsets);
    ws.retarget(api.url);
    expectExit(await ws.plan(), 0, 'plan after restart (drift)');

    ws.write(config('inference'));
    expectExit(await ws.apply(), 0, 'apply change after restart');
    expect(api.state.servers[0].labels.role).toBe('inference');

    // Ids continue after the restart instead of colliding with old ones.
    ws.write({ ...config('inference'), hcloud_placement_group: { pg: { name: 'tenant-echo-pg', type: 'spread' } } });
    expectExit(await ws.apply(), 0, 'apply new resource after restart');
    expect(api.state.placement_groups[0].id).toBeGreaterThan(700_000);
    expect(api.state.next_ids.server).toBe(before.next_ids.server);

    expectExit(await ws.destroy(), 0, 'destroy after restart');
    expect([api.state.servers, api.state.networks, api.state.firewalls, api.state.zones, api.state.primary_ips]).toEqual([[], [], [], [], []]);
    await api.stop();
    const onDisk = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    expect(onDisk.servers).toEqual([]);
    api = undefined;
  });
});
