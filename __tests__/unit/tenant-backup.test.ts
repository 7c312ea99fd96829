/**
 * The backup target in each tenant's stack, with the platform file's
 * `backup` block on (test-support/fleet.ts backupFleet): a Storage Box
 * subaccount confined to tenants/<id>, SFTP only, labelled; its password made
 * by OpenTofu, never a literal in the JSON; SFTP out to the box in the
 * firewall; the subaccount's coordinates in ansible_vars. Offline tenants get none
 * of it (no route to the box) and a warning.
 */
import * as fs from 'fs';
import * as path from 'path';
import { backupFleet, EXAMPLE_TENANTS, exampleFleet, synthTenant, tenant, TEST_BACKUP } from '../../test-support/fleet';
import { stackResources } from '../../isolation/synth/stack';
import { firewallRules } from '../../lib/firewall-rules';
import { scratchLines, SCRATCH_PLATFORM, tenantYaml } from '../../test-support/scratch-tenants';

const fleet = backupFleet(['archive_days: 30', 'webhook: https://alerts.example.com/hooks/backup']);

const online = fleet.tenants.filter((t) => t.mode === 'online');

test('the example fleet has online tenants to back up and an offline one that is not', () => {
  expect(online.map((t) => t.id).sort()).toEqual(['acme', 'globex']);
  expect(fleet.tenants.filter((t) => t.mode === 'offline').map((t) => t.id)).toEqual(['initech']);
});

describe.each(online.map((t) => [t.id]))('tenant %s with backups', (id) => {
  const t = tenant(fleet, id);
  const { json, synthesized } = synthTenant(fleet, t);
  const of = (type: string) => stackResources(json).filter((r) => r.type === type);

  it('creates one subaccount tenant-<id>-backup on the platform box, confined to tenants/<id>, SFTP only, labelled', () => {
    const subs = of('hcloud_storage_box_subaccount');
    expect(subs.map((r) => r.address)).toEqual(['hcloud_storage_box_subaccount.backup_subaccount']);
    expect(subs[0].config).toEqual({
      storage_box_id: TEST_BACKUP.storage_box_id,
      name: `tenant-${id}-backup`,
      home_directory: `tenants/${id}`,
      description: `Backups of tenant ${id} (restic over SFTP)`,
      access_settings: { ssh_enabled: true, samba_enabled: false, webdav_enabled: false, reachable_externally: false, readonly: false },
      labels: { tenant_id: id, environment: t.environment, managed_by: 'hetzner-tenants' },
      password: '${terraform_data.backup_password.output}',
    });
  });

  it('has OpenTofu make the password once (uuid, sensitive, never regenerated): no password value in the JSON', () => {
    expect(of('terraform_data').find((r) => r.name === 'backup_password')!.config).toEqual({
      input: '${sensitive(join("", ["Rb1-", uuid(), upper(uuid())]))}',
      lifecycle: { ignore_changes: ['input'] },
    });
    const passwords = [...synthesized.matchAll(/"password": "([^"]*)"/g)].map((m) => m[1]);
    expect(passwords).toEqual(['${terraform_data.backup_password.output}']);
    expect(json.output.backup_password).toEqual({ value: '${hcloud_storage_box_subaccount.backup_subaccount.password}', sensitive: true, description: "The backup subaccount's password (sensitive)" });
  });

  it("lets SFTP out to the box's address only", () => {
    const rules = json.resource.hcloud_firewall.firewall.rule as Record<string, unknown>[];
    expect(rules[rules.length - 1]).toEqual({ direction: 'out', protocol: 'tcp', port: '23', destination_ips: [`${TEST_BACKUP.address}/32`], description: 'backups: SFTP to the platform Storage Box' });
    expect(rules.filter((r) => r.port === '23')).toHaveLength(1);
  });

  it('hands the role its target: box, home, repository, retention of archives, webhook, and the subaccount from the resource', () => {
    expect(json.output.ansible_vars.value.tenant_backup).toEqual({
      enabled: true,
      storage_box_id: TEST_BACKUP.storage_box_id,
      home_directory: `tenants/${id}`,
      repository: 'restic',
      archive_days: 30,
      webhook: 'https://alerts.example.com/hooks/backup',
      username: '${hcloud_storage_box_subaccount.backup_subaccount.username}',
      host: '${hcloud_storage_box_subaccount.backup_subaccount.server}',
    });
  });
});

test('the stack of a tenant with backups matches the snapshot', () => {
  expect(synthTenant(fleet, tenant(fleet, 'acme')).synthesized).toMatchSnapshot();
});

test('a tenant in its own Hetzner project makes its subaccount with the platform token (provider alias "platform")', () => {
  const own = { ...tenant(fleet, 'globex'), hcloudTokenEnv: 'GLOBEX_HCLOUD_TOKEN' };
  const { json } = synthTenant(fleet, own);
  expect(json.provider.hcloud).toEqual([{ token: '${var.GLOBEX_HCLOUD_TOKEN}' }, { alias: 'platform' }]);
  expect(json.resource.hcloud_storage_box_subaccount.backup_subaccount.provider).toBe('hcloud.platform');
  expect(json.resource.hcloud_server.server_web_1.provider).toBeUndefined();
});

test('without a backup block there is no subaccount, no backup rule and no tenant_backup variable', () => {
  const plain = exampleFleet();
  for (const t of plain.tenants) {
    const { json } = synthTenant(plain, t);
    expect(json.resource.hcloud_storage_box_subaccount).toBeUndefined();
    expect(json.resource.terraform_data).toBeUndefined();
    expect(json.output.ansible_vars.value.tenant_backup).toBeUndefined();
    expect(firewallRules(t).some((r) => r.port === '23')).toBe(false);
  }
});

describe('the platform file\'s backup block', () => {
  const platform = (...lines: string[]) => ({ '_platform.yaml': [SCRATCH_PLATFORM, 'backup:', ...lines.map((l) => `  ${l}`), ''].join('\n'), 'a.yaml': tenantYaml('a', 1) });

  test('fails if an address is not an IP or CIDR, naming file:line and what is allowed', () => {
    expect(scratchLines(platform('storage_box_id: 1', 'addresses: [storagebox.example.com]'))).toEqual([
      '_platform.yaml:11:15: backup.addresses[0]: "storagebox.example.com" is not an IPv4 or IPv6 address or CIDR; allowed: the IPv4/IPv6 addresses the Storage Box\'s server name resolves to',
    ]);
  });

  test('fails if storage_box_id or addresses are missing', () => {
    const lines = scratchLines(platform('archive_days: 30'));
    expect(lines.some((l) => l.includes('backup.storage_box_id'))).toBe(true);
    expect(lines.some((l) => l.includes('backup.addresses'))).toBe(true);
  });

  test('warns about host bits and normalizes the address', () => {
    expect(scratchLines(platform('storage_box_id: 1', 'addresses: [203.0.113.50/24]'))).toEqual([
      '_platform.yaml:11:15: warning: backup.addresses[0]: "203.0.113.50/24" has host bits set; normalized to 203.0.113.0/24 (write that to silence this warning)',
    ]);
  });
});

describe('an offline tenant on a platform with backups', () => {
  const initech = tenant(fleet, 'initech');
  const { json, synthesized } = synthTenant(fleet, initech);

  it('fails if it gets a subaccount, an SFTP rule out or a backup target: its data server has no route to the box', () => {
    expect(initech.backup).toBeUndefined();
    expect(stackResources(json).filter((r) => r.type === 'hcloud_storage_box_subaccount' || r.name === 'backup_password')).toEqual([]);
    expect(synthesized).not.toContain('"port": "23"');
    expect(json.output.ansible_vars.value.tenant_backup).toBeUndefined();
  });

  it('is told so: a warning on its mode, naming the file and line', () => {
    const files = Object.fromEntries(['_platform.yaml', 'initech.yaml'].map((f) => [f, fs.readFileSync(path.join(EXAMPLE_TENANTS, f), 'utf8')]));
    files['_platform.yaml'] += `\nbackup:\n  storage_box_id: ${TEST_BACKUP.storage_box_id}\n  addresses: [${TEST_BACKUP.address}]\n`;
    const lines = scratchLines(files);
    expect(lines).toEqual([expect.stringMatching(/^initech\.yaml:8:7: warning: mode: offline tenants are not backed up to the platform's Storage Box: .*no subaccount is made for this tenant/)]);
  });
});
