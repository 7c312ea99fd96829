import type { Finding } from '../../isolation/finding';
import type { DataLossRisk } from '../../review/data-loss';
import { policyViolations, type PolicyInput } from '../../review/policy';
import { exitCode, type ReviewResult } from '../../review/result';
import { judgeTenant } from '../../review/judge';

const volumeGone: DataLossRisk = { address: 'hcloud_volume.volume', type: 'hcloud_volume', kind: 'destroy', forcedBy: [] };
const serverReplaced: DataLossRisk = { address: 'hcloud_server.server_db_1', type: 'hcloud_server', kind: 'replace', forcedBy: ['image'] };
const networkGone: DataLossRisk = { address: 'hcloud_network.network', type: 'hcloud_network', kind: 'destroy', forcedBy: [] };
const tenant = (over: Partial<PolicyInput>): PolicyInput => ({ tenant: 'acme', environment: 'production', allowDestroy: false, risks: [], isolation: [], ...over });

describe('policy', () => {
  test('fails if a production volume would be destroyed without allow_destroy', () => {
    const v = policyViolations([tenant({ risks: [volumeGone] })]);
    expect(v).toEqual([{
      tenant: 'acme',
      rule: 'protected-destroy',
      resource: 'hcloud_volume.volume',
      message: 'would destroy hcloud_volume.volume of production tenant acme; set allow_destroy: true in tenants/acme.yaml (in a separate, reviewed change) to accept the data loss',
    }]);
  });

  test('fails if a production server would be replaced without allow_destroy', () => {
    expect(policyViolations([tenant({ risks: [serverReplaced] })]).map((v) => v.message)).toEqual([
      expect.stringContaining('would replace hcloud_server.server_db_1'),
    ]);
  });

  test('allow_destroy: true in the tenant file accepts the data loss', () => {
    expect(policyViolations([tenant({ risks: [volumeGone, serverReplaced], allowDestroy: true })])).toEqual([]);
  });

  test('staging and development tenants may lose servers and volumes (still flagged as risks, not violations)', () => {
    expect(policyViolations([tenant({ environment: 'staging', risks: [volumeGone] }), tenant({ tenant: 'b', environment: 'development', risks: [serverReplaced] })])).toEqual([]);
  });

  test('fails if an offboarding destroys the backup subaccount while the tenant\'s secrets file is still in the change (no final backup)', () => {
    expect(policyViolations([tenant({ environment: 'staging', finalBackup: 'missing' })])).toEqual([{
      tenant: 'acme',
      rule: 'final-backup',
      resource: 'hcloud_storage_box_subaccount.backup_subaccount',
      message: 'offboarding tenant acme destroys its backup subaccount, but secrets/tenants/acme.sops.yaml is still there: run ansible/playbooks/offboard.yml -e tenant=acme -e confirm_offboard=acme first (final backup, repository archived on the Storage Box) and commit the removed secrets file',
    }]);
    expect(policyViolations([tenant({ environment: 'staging', finalBackup: 'archived' })])).toEqual([]);
  });

  test('a network is a data-loss risk but not protected by the production policy', () => {
    expect(policyViolations([tenant({ risks: [networkGone] })])).toEqual([]);
  });

  const overlap: Finding = { tenant: 'acme', resource: 'hcloud_firewall.firewall', rule: 'foreign-tenant-range', severity: 'error', message: 'overlaps globex', explanation: 'why' };

  test('every isolation finding is a violation, whatever the environment', () => {
    const v = policyViolations([tenant({ environment: 'development', isolation: [overlap] })]);
    expect(v).toEqual([{ tenant: 'acme', rule: 'isolation', resource: 'hcloud_firewall.firewall', message: '[foreign-tenant-range] overlaps globex' }]);
  });

  test('an isolation finding of severity warning is shown, not a violation', () => {
    expect(policyViolations([tenant({ isolation: [{ ...overlap, severity: 'warning' }] })])).toEqual([]);
  });
});

describe('exit code', () => {
  const base: ReviewResult = {
    base: 'main', tenants: [], violations: [], sharedChanges: [], comparison: { compared: 0, unchanged: 0 }, offline: true,
    prices: { date: '2025-10-21', approximate: true, currency: 'EUR', basis: 'net' },
  };
  const t = { tenant: 'a', kind: 'changed' as const, reasons: [], offboarding: false, allowDestroy: false, risks: [], isolation: [] };
  test('0 when clean, 1 on a violation, 2 when a tenant could not be planned', () => {
    expect(exitCode(base)).toBe(0);
    expect(exitCode({ ...base, violations: [{ tenant: 'a', rule: 'isolation', resource: 'x', message: 'm' }] })).toBe(1);
    expect(exitCode({ ...base, tenants: [{ ...t, error: 'tofu plan failed' }] })).toBe(2);
  });
});

describe('judgeTenant: final backup of an offboarding', () => {
  const plan = {
    resource_changes: [
      { address: 'hcloud_storage_box_subaccount.backup_subaccount', type: 'hcloud_storage_box_subaccount', name: 'backup_subaccount', change: { actions: ['delete'], before: { home_directory: 'tenants/globex' }, after: null } },
      { address: 'hcloud_network.network', type: 'hcloud_network', name: 'network', change: { actions: ['delete'], before: {}, after: null } },
    ],
  };
  const judge = (offboarding: boolean, hasSecretsFile: boolean, changes = plan.resource_changes) =>
    judgeTenant(
      { affected: { tenant: 'globex', kind: offboarding ? 'removed' : 'changed', reasons: [] }, stack: {}, planned: { plan: { resource_changes: changes } } as never, synthFindings: [] },
      { fleet: [], prices: { date: 'd', approximate: true, source: 's', currency: 'EUR', basis: 'b', volume_gb_month: 0, server_backup_percent: 20, primary_ipv4_month: {}, server_types: {} }, planRules: [], projectDir: '/', hasSecretsFile: () => hasSecretsFile },
    );

  test('an offboarding that destroys the backup subaccount with the secrets file archived: archived', async () => {
    expect((await judge(true, false)).finalBackup).toBe('archived');
  });

  test('fails (missing) when the change still holds the tenant\'s secrets file', async () => {
    expect((await judge(true, true)).finalBackup).toBe('missing');
  });

  test('does not apply to a tenant without backups or to a change that is not an offboarding', async () => {
    expect((await judge(true, true, plan.resource_changes.slice(1))).finalBackup).toBeUndefined();
    expect((await judge(false, true)).finalBackup).toBeUndefined();
  });
});
