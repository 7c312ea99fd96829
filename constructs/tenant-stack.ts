import * as path from 'path';
import { Construct } from 'constructs';
import { HcloudProvider } from '../.gen/providers/hcloud/provider';
import { App, LocalBackend, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from './cdk';
import { ansibleVars } from '../lib/ansible-vars';
import { firewallRules } from '../lib/firewall-rules';
import { firewallSelector, tenantLabels } from '../lib/labels';
import { serverLogicalId, stackName } from '../lib/naming';
import { postApplyCommand, serverAddressPlaceholder } from '../lib/post-apply-command';
import { terraformLiterals } from '../lib/terraform-literal';
import type { Platform, Tenant } from '../lib/tenant/model';
import { type Finding, isViolation } from '../isolation/finding';
import { checkStack, isolationContext, type StackJson, type TenantContext } from '../isolation/synth';
import { PostApply } from './post-apply';
import { TenantBackup } from './tenant-backup';
import { TenantDns } from './tenant-dns';
import { TenantFirewall } from './tenant-firewall';
import { TenantNetwork } from './tenant-network';
import { TenantServers } from './tenant-servers';
import { TenantVolume } from './tenant-volume';

export interface TenantStackProps {
  /** One validated tenant (from loadFleet). */
  readonly tenant: Tenant;
  /** Fleet-wide settings: DNS zone, SSH keys, state backend, managed_by. */
  readonly platform: Platform;
  /** Run the tenant's Ansible playbook after apply. @default false (plans stay pure) */
  readonly postApply?: boolean;
  /** Project root, for the state directory and the Ansible tree. @default process.cwd() */
  readonly projectRoot?: string;
}

/**
 * One tenant, one stack, one state: its network, servers, firewall, volume,
 * DNS records and (when the platform has a Storage Box) its backup
 * subaccount, all labelled with the tenant's identity. The synth-time
 * isolation rules (isolation/synth/) run on every synth and fail it, naming
 * the resource, on a violation; the findings stay available as data.
 */
export class TenantStack extends TerraformStack {
  public readonly tenant: Tenant;
  private readonly isolationContext: TenantContext;
  private lastFindings?: readonly Finding[];

  constructor(scope: Construct, props: TenantStackProps) {
    const { tenant, platform } = props;
    super(scope, stackName(tenant.id));
    this.tenant = tenant;
    const root = props.projectRoot ?? process.cwd();
    const production = tenant.environment === 'production';
    // Hetzner's delete/rebuild protection for production; `allow_destroy: true`
    // in the tenant file is the explicit override that lifts it.
    const protection = production && !tenant.allowDestroy;
    const identity = { tenantId: tenant.id, environment: tenant.environment, managedBy: platform.managed_by };
    const labels = tenantLabels(identity);

    this.configureBackend(platform, root);
    const platformProvider = this.configureProvider(tenant);

    const network = new TenantNetwork(this, 'network', {
      tenantId: tenant.id,
      networkCidr: tenant.networkCidr,
      subnetCidr: tenant.subnetCidr,
      networkZone: tenant.networkZone,
      labels,
      deleteProtection: protection,
    });
    const firewall = new TenantFirewall(this, 'firewall', {
      tenantId: tenant.id,
      rules: firewallRules(tenant),
      // Offline: the jump host only (Hetzner refuses a firewall on a server without a public interface).
      labelSelector: firewallSelector(tenant.id, tenant.mode),
      labels,
    });
    const servers = new TenantServers(this, 'servers', {
      identity,
      servers: tenant.servers,
      location: tenant.location,
      networkId: network.id,
      // After the firewall: a new server is covered from its first boot, and a
      // destroy that protection refuses leaves the firewall in place.
      dependsOn: [network.subnet, firewall.resource],
      sshKeys: platform.ssh_keys,
      backups: production,
      protection,
    });
    let volumeId: string | undefined;
    if (tenant.volume) {
      // On the data server, where roles/tenant_volume mounts it for the data plane.
      const attachTo = servers.servers.find((s) => s.spec.name === tenant.dataServer)!.resource;
      volumeId = new TenantVolume(this, 'volume', {
        tenantId: tenant.id,
        sizeGb: tenant.volume.sizeGb,
        format: tenant.volume.format,
        location: tenant.location,
        serverId: attachTo.id,
        labels,
        deleteProtection: protection,
      }).id;
    }
    if (tenant.dnsRecords.length > 0) {
      new TenantDns(this, 'dns', {
        zone: platform.dns.zone,
        labels,
        records: tenant.dnsRecords.map((r) => {
          const target = servers.servers.find((s) => s.spec.name === r.server)!.resource;
          return { name: r.name, record: r.record, ttl: r.ttl, ipv4: target.ipv4Address, ipv6: target.ipv6Address };
        }),
      });
    }
    const backup =
      tenant.backup &&
      new TenantBackup(this, 'backup', {
        tenantId: tenant.id,
        storageBoxId: tenant.backup.storageBoxId,
        homeDirectory: tenant.backup.homeDirectory,
        labels,
        provider: platformProvider,
      });
    if (props.postApply) {
      const stackDir = this.stackDir();
      const ansibleDir = path.relative(stackDir, path.join(root, 'ansible')) || '.';
      // The inventory (lib/ansible-inventory.ts): the tenant's host with exactly the ansible_vars
      // output, and its servers at the public IPv4 addresses only the apply knows.
      const reachable = servers.servers.filter((s) => s.spec.publicInterface);
      const addresses = reachable.map((s) => ({
        placeholder: serverAddressPlaceholder(s.spec.name),
        reference: `hcloud_server.${serverLogicalId(s.spec.group, s.spec.index)}.ipv4_address`,
        description: `The public IPv4 of ${s.spec.name}`,
      }));
      new PostApply(this, 'post-apply', {
        tenantId: tenant.id,
        triggers: servers.servers.map((s) => s.resource.id),
        command: postApplyCommand({
          ansibleDir,
          vars: ansibleVars(tenant, platform),
          serverIpv4: Object.fromEntries(addresses.map((a, i) => [reachable[i].spec.name, a.placeholder])),
          user: platform.ansible.user,
        }),
        addresses,
      });
    }

    this.output('server_names', servers.servers.map((s) => s.spec.name), 'Server names, in file order');
    this.output('server_ipv4', Object.fromEntries(servers.servers.map((s) => [s.spec.name, s.resource.ipv4Address])), 'Public IPv4 by server');
    this.output('server_ipv6', Object.fromEntries(servers.servers.map((s) => [s.spec.name, s.resource.ipv6Address])), 'Public IPv6 by server');
    this.output('server_private_ips', Object.fromEntries(servers.servers.map((s) => [s.spec.name, s.spec.privateIp])), 'Private IP by server');
    this.output('network_id', network.id, 'Tenant network id');
    this.output('firewall_id', firewall.id, 'Tenant firewall id');
    if (volumeId) this.output('volume_id', volumeId, 'Data volume id');
    const vars = terraformLiterals(ansibleVars(tenant, platform));
    // Hetzner assigns the subaccount's username and server: they join the tenant's variables from the resource.
    if (backup && vars.tenant_backup) vars.tenant_backup = { ...vars.tenant_backup, username: backup.username, host: backup.server };
    this.output('ansible_vars', vars, 'Variables for ansible/playbooks/tenant.yml');
    if (backup) {
      // `tofu output -raw backup_password`: what roles/tenant_backup copies into the tenant's SOPS file.
      new TerraformOutput(this, 'backup_password', { value: backup.password, sensitive: true, description: "The backup subaccount's password (sensitive)" });
    }

    this.isolationContext = isolationContext(tenant);
    this.node.addValidation({
      validate: () => {
        const json = super.toTerraform();
        this.validatedJson = json;
        this.lastFindings = checkStack(json as StackJson, this.isolationContext);
        // CDKTF prefixes each with `[tenant-<id>]`: the same line formatSynthFinding makes.
        return this.lastFindings.filter(isViolation).map((f) => `${f.rule}: ${f.message}`);
      },
    });
  }

  /**
   * The isolation findings of this stack: those of the synth's validation when
   * it ran, else computed now (after a failed synth, for the stacks the synth
   * did not reach).
   */
  public isolationFindings(): readonly Finding[] {
    return this.lastFindings ?? (this.lastFindings = checkStack(super.toTerraform() as StackJson, this.isolationContext));
  }

  // Synthesis validates, then renders the stack again; resolving a stack is
  // the costliest step of a synth, so the render the isolation check just
  // made is handed over once instead of being computed twice.
  private validatedJson?: ReturnType<TerraformStack['toTerraform']>;

  public toTerraform(): ReturnType<TerraformStack['toTerraform']> {
    const json = this.validatedJson;
    this.validatedJson = undefined;
    return json ?? super.toTerraform();
  }

  private output(name: string, value: unknown, description: string) {
    new TerraformOutput(this, name, { value, description });
  }

  /** cdktf.out/stacks/<stack>: where tofu runs for this stack. */
  private stackDir(): string {
    const app = this.node.root as App;
    return path.resolve(app.outdir, 'stacks', this.node.id);
  }

  private configureBackend(platform: Platform, root: string) {
    const state = platform.state;
    if (state.backend === 'local') {
      // Relative to the directory tofu runs in, so `tofu plan` by hand works too.
      const file = path.resolve(root, state.dir, `${this.node.id}.tfstate`);
      new LocalBackend(this, { path: path.relative(this.stackDir(), file) });
      return;
    }
    new S3Backend(this, {
      bucket: state.bucket,
      key: `${state.key_prefix}/${this.node.id}.tfstate`,
      region: state.region,
      endpoints: { s3: state.endpoint },
      usePathStyle: true,
      skipCredentialsValidation: true,
      skipRegionValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: true,
    });
    // OpenTofu >= 1.10 locks with a lock object beside the state; cdktf 0.21 has no prop for it.
    if (state.use_lockfile) this.addOverride('terraform.backend.s3.use_lockfile', true);
  }

  /** The stack's provider; returns the provider for platform resources (the Storage Box) when that is another one. */
  private configureProvider(tenant: Tenant): HcloudProvider | undefined {
    if (!tenant.hcloudTokenEnv) {
      // No token in the JSON: the provider reads HCLOUD_TOKEN from the environment.
      new HcloudProvider(this, 'hcloud', {});
      return undefined;
    }
    // Bring-your-own project: the token comes in as a sensitive variable, set
    // from the tenant's own environment variable by scripts/with-tools.sh
    // (TF_VAR_<NAME>=$<NAME>), so it never lands in the synthesized JSON.
    const token = new TerraformVariable(this, tenant.hcloudTokenEnv, {
      type: 'string',
      sensitive: true,
      description: `Hetzner Cloud token of tenant ${tenant.id}'s own project (from $${tenant.hcloudTokenEnv})`,
    });
    new HcloudProvider(this, 'hcloud', { token: token.stringValue });
    // The Storage Box is the platform's: its subaccounts are made with the platform token (HCLOUD_TOKEN).
    return tenant.backup ? new HcloudProvider(this, 'hcloud-platform', { alias: 'platform' }) : undefined;
  }
}
