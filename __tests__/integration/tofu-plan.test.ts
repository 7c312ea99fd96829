/**
 * Every example stack through the real OpenTofu and the real hcloud provider:
 * offline `tofu init` from the filesystem mirror, `validate`, and `plan` with
 * a dummy token (a plan of new resources makes no API call). The plan JSON
 * lists exactly the expected resource addresses, and two tenants' plans
 * share no resource name, network range or tenant label.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthFleet } from '../../app/synth';
import { exampleFleet } from '../../test-support/fleet';
import { requireTool, tofuOk } from '../../test-support/toolchain';

jest.setTimeout(300_000);

const fleet = exampleFleet();
let work: string;
const plans = new Map<string, any>();

beforeAll(() => {
  requireTool('tofu');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tofu-plan-'));
  synthFleet(fleet, { outdir: path.join(work, 'cdktf.out'), projectRoot: work, postApply: false });
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function expectedAddresses(id: string): string[] {
  const t = fleet.tenants.find((x) => x.id === id)!;
  return [
    'hcloud_network.network',
    'hcloud_network_subnet.subnet',
    'hcloud_firewall.firewall',
    ...t.servers.map((s) => `hcloud_server.server_${s.group.replace(/-/g, '_')}_${s.index}`),
    ...(t.volume ? ['hcloud_volume.volume', 'hcloud_volume_attachment.volume_attachment'] : []),
    ...t.dnsRecords.flatMap((r) => ['a', 'aaaa'].map((k) => `hcloud_zone_rrset.dns_${r.record.replace(/[.-]/g, '_')}_${k}`)),
  ].sort();
}

describe.each(fleet.tenants.map((t) => [t.id]))('stack tenant-%s', (id) => {
  const dir = () => path.join(work, 'cdktf.out', 'stacks', `tenant-${id}`);

  it('initializes offline from the mirror, validates and plans with the real provider', () => {
    const init = tofuOk(dir(), ['init', '-input=false', '-no-color']);
    expect(init).toMatch(/hetznercloud\/hcloud v1\.68\.0/);
    expect(tofuOk(dir(), ['validate', '-no-color'])).toContain('The configuration is valid');
    tofuOk(dir(), ['plan', '-input=false', '-no-color', '-out=plan.bin']);
    const plan = JSON.parse(tofuOk(dir(), ['show', '-json', 'plan.bin']));
    plans.set(id, plan);
    const addresses = plan.resource_changes.map((c: any) => c.address).sort();
    expect(addresses).toEqual(expectedAddresses(id));
    for (const c of plan.resource_changes) expect(c.change.actions).toEqual(['create']);
  });
});

describe('plans of different tenants', () => {
  it('share no resource name, network range or tenant label', () => {
    expect(plans.size).toBe(fleet.tenants.length);
    const seen = { name: new Map<string, string>(), range: new Map<string, string>(), label: new Map<string, string>() };
    for (const [id, plan] of plans) {
      const tenantLabels = new Set<string>();
      for (const c of plan.resource_changes) {
        const after = c.change.after ?? {};
        if (after.name && c.type !== 'hcloud_zone_rrset') {
          expect(seen.name.get(after.name)).toBeUndefined();
          seen.name.set(after.name, id);
        }
        if (after.ip_range) {
          expect(seen.range.get(after.ip_range) ?? id).toBe(id);
          seen.range.set(after.ip_range, id);
        }
        if (after.labels) tenantLabels.add(after.labels.tenant_id);
      }
      expect([...tenantLabels]).toEqual([id]);
      expect(seen.label.get(id)).toBeUndefined();
      seen.label.set(id, id);
    }
  });
});
