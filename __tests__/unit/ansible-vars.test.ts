import { ansibleVars } from '../../lib/ansible-vars';
import { exampleFleet, tenant } from '../../test-support/fleet';

const fleet = exampleFleet();

describe('ansibleVars: what the server roles get', () => {
  const acme = tenant(fleet, 'acme');
  const vars = ansibleVars(acme, fleet.platform);

  it("carries the tenant file's ingress rules with names resolved, for the host firewall (roles/baseline)", () => {
    expect(vars.tenant_ingress).toEqual(acme.ingress.map((r) => ({ protocol: r.protocol, ...(r.port ? { port: r.port } : {}), cidrs: [...r.cidrs] })));
    expect(vars.tenant_ingress.length).toBeGreaterThan(0);
    for (const r of vars.tenant_ingress) for (const c of r.cidrs) expect(c).toMatch(/\/\d+$/);
    // Named sources are resolved: no rule names "management" or "gateway".
    expect(JSON.stringify(vars.tenant_ingress)).not.toMatch(/management|gateway/);
  });

  it('names the data server: the first server, where the volume is attached, with its format', () => {
    expect(vars.tenant_data_server).toBe(acme.servers[0].name);
    expect(vars.tenant_volume).toEqual({ enabled: true, format: acme.volume!.format, server: acme.servers[0].name });
  });

  it("names the first server of the tenant file's storage.host group as the data server", () => {
    const db = acme.servers.find((s) => s.group !== acme.servers[0].group) ?? acme.servers[0];
    const vars2 = ansibleVars({ ...acme, volume: undefined, storage: { ...acme.storage, host: db.group }, dataServer: db.name }, fleet.platform);
    expect(vars2.tenant_data_server).toBe(db.name);
  });

  it('says when a tenant has no volume', () => {
    const bare = ansibleVars({ ...acme, volume: undefined }, fleet.platform);
    expect(bare.tenant_volume).toEqual({ enabled: false, format: 'ext4', server: acme.servers[0].name });
  });
});
