/**
 * The complete rule set of a tenant's firewall: the tenant's own rules plus the
 * implicit ones that keep the tenant network open to itself. There is always at
 * least one outbound rule (to the tenant's own CIDR), which turns Hetzner's
 * egress into deny-by-default. When the platform has a backup target, one more
 * outbound rule lets SFTP (TCP 23) reach exactly the Storage Box's addresses,
 * in offline mode too: the box is the platform's, and a tenant without
 * backups loses data; the subaccount confines the tenant to its own directory.
 */
import type { FirewallRule, Tenant, TenantBackup } from './tenant/model';

type RuleInput = Pick<Tenant, 'networkCidr' | 'ingress' | 'egress' | 'mode'> & { readonly backup?: Pick<TenantBackup, 'cidrs'> };

/** Storage Boxes serve SFTP (and restic's sftp backend) on port 23. */
export const BACKUP_SFTP_PORT = '23';
export const BACKUP_RULE_DESCRIPTION = 'backups: SFTP to the platform Storage Box';

function backupRule(backup: RuleInput['backup']): FirewallRule[] {
  if (!backup) return [];
  return [{ direction: 'out', protocol: 'tcp', port: BACKUP_SFTP_PORT, cidrs: [...backup.cidrs], description: BACKUP_RULE_DESCRIPTION }];
}

function ownNetwork(direction: 'in' | 'out', cidr: string): FirewallRule[] {
  const description = 'tenant network';
  return [
    { direction, protocol: 'tcp', port: 'any', cidrs: [cidr], description },
    { direction, protocol: 'udp', port: 'any', cidrs: [cidr], description },
    { direction, protocol: 'icmp', cidrs: [cidr], description },
  ];
}

/** Every rule the firewall will carry, inbound first, in a stable order. */
export function firewallRules(tenant: RuleInput): FirewallRule[] {
  const egress = tenant.mode === 'online' ? tenant.egress : [];
  return [
    ...ownNetwork('in', tenant.networkCidr),
    ...tenant.ingress,
    ...ownNetwork('out', tenant.networkCidr),
    ...egress,
    ...backupRule(tenant.backup),
  ];
}

/** Hetzner counts a rule once per address range it names. */
export function effectiveRuleCount(rules: readonly FirewallRule[]): number {
  return rules.reduce((sum, r) => sum + Math.max(1, r.cidrs.length), 0);
}
