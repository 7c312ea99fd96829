/**
 * `npm run tenant:new`: the scaffold (a pure function) and the command that
 * writes it (next free seq, refusals, atomic write).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LOCATIONS } from '../../lib/hetzner';
import { loadPlatform } from '../../app/tenant-files';
import { checkTenantSource } from '../../lib/tenant/check-source';
import type { Platform } from '../../lib/tenant/model';
import { runTenantNew, writeNewFile } from '../../app/new-command';
import { scaffoldTenant } from '../../lib/tenant/scaffold';
import { runValidate } from '../../app/validate-command';
import { parseYamlSource } from '../../lib/tenant/yaml-source';
import { fixture } from '../fixtures/tenants/check';

const REPO = path.resolve(__dirname, '../..');

function examplePlatform(): Platform {
  const { platform } = loadPlatform(path.join(REPO, 'tenants', '_platform.yaml'));
  if (!platform) throw new Error('tenants/_platform.yaml must be valid');
  return platform;
}

describe('scaffoldTenant', () => {
  const platform = examplePlatform();

  test('writes a file that validates, for every environment, mode and location', () => {
    for (const environment of ['production', 'staging', 'development'] as const) {
      for (const mode of ['online', 'offline'] as const) {
        for (const location of LOCATIONS) {
          const text = scaffoldTenant({ id: 'new-tenant', seq: 42, environment, mode, location, platform });
          const check = checkTenantSource(parseYamlSource('tenants/new-tenant.yaml', text), platform);
          expect(check.diagnostics).toEqual([]);
          expect(check.tenant).toMatchObject({ id: 'new-tenant', seq: 42, environment, mode, location, networkCidr: '10.42.0.0/16' });
        }
      }
    }
  });

  test('has sensible defaults: one small server, SSH from the management source only, no volume, no egress', () => {
    const text = scaffoldTenant({ id: 'acme2', seq: 15, environment: 'development', mode: 'online', location: 'nbg1', platform });
    const tenant = checkTenantSource(parseYamlSource('tenants/acme2.yaml', text), platform).tenant!;
    expect(tenant.servers.map((s) => `${s.name} ${s.serverType} ${s.image}`)).toEqual(['tenant-acme2-app-1 cx22 ubuntu-24.04']);
    expect(tenant.ingress).toEqual([{ direction: 'in', protocol: 'tcp', port: '22', cidrs: ['198.51.100.0/28'], description: 'SSH from the management network' }]);
    expect(tenant.egress).toEqual([]);
    expect(tenant.volume).toBeUndefined();
    expect(tenant.dnsRecords).toEqual([]);
    expect(tenant.storage).toEqual({ host: 'app', postgres: false, minio: false });
    expect(tenant.dataServer).toBe(tenant.servers[0].name);
  });

  test('comments every key: required ones, allowed values, what cannot change, the quotas', () => {
    const text = scaffoldTenant({ id: 'acme2', seq: 15, environment: 'development', mode: 'online', location: 'nbg1', platform });
    expect(text).toContain('# (required) Must equal the file name. Used in names, labels and DNS. Cannot change after creation.\nid: acme2\n');
    expect(text).toContain('# (required) 1..254, unique in the fleet: network 10.15.0.0/16, subnet 10.15.1.0/24.\n# Cannot change after creation.\nseq: 15\n');
    expect(text).toContain('# fsn1 | nbg1 | hel1 (eu-central), ash (us-east), hil (us-west), sin (ap-southeast).');
    expect(text).toContain('    count: 1               # 1..20\n'); // the platform quota of the example platform
    expect(text).toContain('#   size_gb: 10            # 10..2000 (platform quota)');
    expect(text).toContain('# platform sources (gateway, management, monitoring).');
    // Every key line that is not commented out is preceded by, or carries, a comment.
    const keyLines = text.split('\n').filter((l) => /^\s*[a-z_]+:/.test(l));
    const textLines = text.split('\n');
    for (const l of keyLines) {
      const i = textLines.indexOf(l);
      const commented = l.includes('#') || textLines[i - 1].trim().startsWith('#') || /^\s*(servers|firewall|storage|dns|ingress|records):/.test(l);
      expect(commented).toBe(true);
    }
  });

  test('opens no port when the platform has no management source', () => {
    const bare = { ...platform, sources: {} };
    const text = scaffoldTenant({ id: 'bare', seq: 1, environment: 'staging', mode: 'offline', location: 'hel1', platform: bare });
    expect(text).toContain('  ingress: []\n');
    expect(text).toContain('# platform sources (none defined yet).');
    expect(checkTenantSource(parseYamlSource('t/bare.yaml', text), bare).diagnostics).toEqual([]);
  });
});

describe('npm run tenant:new', () => {
  let dir: string;
  const env = () => ({ cwd: dir, tenantsDir: 'fleet' });
  const fleet = (...f: string[]) => path.join(dir, 'fleet', ...f);
  const listing = () => fs.readdirSync(fleet()).sort();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-new-'));
    fs.mkdirSync(fleet());
    for (const f of fs.readdirSync(path.join(REPO, 'tenants'))) fs.copyFileSync(path.join(REPO, 'tenants', f), fleet(f));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes <TENANTS_DIR>/<id>.yaml with the next free seq, and the fleet still validates', () => {
    const r = runTenantNew(['newco', '--environment', 'staging', '--location=hel1', '--mode', 'offline'], env());
    expect(r).toEqual({
      exitCode: 0,
      written: fleet('newco.yaml'),
      lines: ['created fleet/newco.yaml: seq 15 (network 10.15.0.0/16), staging, offline, hel1', 'next: edit it, then run `npm run validate -- fleet/newco.yaml`'],
    });
    expect(listing()).toEqual(['_platform.yaml', 'acme.yaml', 'globex.yaml', 'initech.yaml', 'newco.yaml']); // no temporary file left
    const written = fs.readFileSync(fleet('newco.yaml'), 'utf8');
    for (const line of ['id: newco', 'seq: 15', 'environment: staging', 'mode: offline', 'location: hel1']) expect(written.split('\n')).toContain(line);
    expect(runValidate([], env())).toEqual({ exitCode: 0, lines: ['OK: 0 errors, 0 warnings in 4 tenant files and 1 platform file (fleet)'] });
    // The next one gets the next seq.
    expect(runTenantNew(['other'], env()).lines[0]).toBe('created fleet/other.yaml: seq 16 (network 10.16.0.0/16), development, online, nbg1');
  });

  test('fails if the tenant exists, and writes nothing', () => {
    const before = fs.readFileSync(fleet('acme.yaml'), 'utf8');
    expect(runTenantNew(['acme'], env())).toEqual({ exitCode: 1, lines: ['tenant:new: tenant "acme" already exists: fleet/acme.yaml', 'nothing was written'] });
    expect(fs.readFileSync(fleet('acme.yaml'), 'utf8')).toBe(before);
    // Also when another file declares the id.
    fs.writeFileSync(fleet('misnamed.yaml'), fs.readFileSync(fleet('globex.yaml'), 'utf8').replace('id: globex', 'id: zeta'));
    expect(runTenantNew(['zeta'], env()).lines).toEqual(['tenant:new: tenant "zeta" already exists: fleet/misnamed.yaml has id: zeta', 'nothing was written']);
    expect(fs.existsSync(fleet('zeta.yaml'))).toBe(false);
  });

  test('fails if the id or an option is invalid, naming what is allowed, and writes nothing', () => {
    const r = runTenantNew(['Bad_Id', '--environment', 'prod', '--mode', 'offlin', '--location', 'fra1'], env());
    expect(r).toEqual({
      exitCode: 1,
      lines: [
        'tenant:new: tenant id "Bad_Id" is not valid; allowed: lowercase letters, digits and "-", starting with a letter, ending with a letter or digit, at most 30 characters (it is used in labels and DNS names)',
        'tenant:new: --environment "prod" is not allowed (did you mean "production"?); allowed: production | staging | development',
        'tenant:new: --mode "offlin" is not allowed (did you mean "offline"?); allowed: online | offline',
        'tenant:new: --location "fra1" is not allowed; allowed: fsn1 | nbg1 | hel1 | ash | hil | sin',
        'nothing was written',
      ],
    });
    expect(listing()).toEqual(['_platform.yaml', 'acme.yaml', 'globex.yaml', 'initech.yaml']);
    expect(runTenantNew([], env()).exitCode).toBe(1);
    expect(runTenantNew(['a', 'b'], env()).lines[0]).toBe('tenant:new: only one tenant id may be given (got "a" and "b")');
    expect(runTenantNew(['a', '--enviroment', 'x'], env()).lines[0]).toBe('tenant:new: unknown option --enviroment (did you mean --environment?)');
  });

  test('fails if the seq of an existing file cannot be read, and writes nothing', () => {
    fs.copyFileSync(fixture('hostile', 'alias-bomb.yaml'), fleet('bomb.yaml'));
    expect(runTenantNew(['newco'], env()).lines).toEqual([
      'tenant:new: cannot read the seq of fleet/bomb.yaml, so the next free seq is unknown; fix it first (npm run validate)',
      'nothing was written',
    ]);
    expect(fs.existsSync(fleet('newco.yaml'))).toBe(false);
  });

  test('fails if the platform file is invalid, and writes nothing', () => {
    fs.writeFileSync(fleet('_platform.yaml'), 'dns: { zone: "not a zone" }\n');
    expect(runTenantNew(['newco'], env()).lines).toEqual([
      'fleet/_platform.yaml:1:14: dns.zone: "not a zone" is not allowed; allowed: a registered domain such as example.com or example.co.uk (the rest of a longer name goes into dns.suffix)',
      'tenant:new: fix fleet/_platform.yaml first',
      'nothing was written',
    ]);
    expect(fs.existsSync(fleet('newco.yaml'))).toBe(false);
  });

  test('writeNewFile never replaces an existing file and leaves no temporary file', () => {
    expect(writeNewFile(fleet('acme.yaml'), 'x')).toBe('it already exists');
    expect(fs.readFileSync(fleet('acme.yaml'), 'utf8')).not.toBe('x');
    expect(writeNewFile(fleet('fresh.yaml'), 'id: fresh\n')).toBeUndefined();
    expect(fs.readFileSync(fleet('fresh.yaml'), 'utf8')).toBe('id: fresh\n');
    expect(listing().filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
