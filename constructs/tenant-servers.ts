import { Construct } from 'constructs';
import { Server } from '../.gen/providers/hcloud/server';
import { Token, type ITerraformDependable } from './cdk';
import { tenantLabels, LabelInput } from '../lib/labels';
import { serverLogicalId } from '../lib/naming';
import { terraformLiteral } from '../lib/terraform-literal';
import type { ServerSpec } from '../lib/tenant/model';

export interface TenantServersProps {
  /** Label identity of the tenant (the role is added per server). */
  readonly identity: Omit<LabelInput, 'role'>;
  /** Expanded servers with names, roles and private IPs. */
  readonly servers: readonly ServerSpec[];
  /** Hetzner location, e.g. nbg1. */
  readonly location: string;
  /** Network id the servers attach to (the tenant's own). */
  readonly networkId: string;
  /** Resources the attachment must wait for (the subnet). */
  readonly dependsOn: ITerraformDependable[];
  /** Names of Hetzner SSH keys. @default none */
  readonly sshKeys?: readonly string[];
  /** Daily backups (production). @default false */
  readonly backups?: boolean;
  /** delete_protection and rebuild_protection, which Hetzner requires to be equal. @default false */
  readonly protection?: boolean;
}

export interface TenantServer {
  readonly spec: ServerSpec;
  readonly resource: Server;
}

/**
 * The tenant's servers, on its own network, with deterministic private IPs;
 * a public interface (IPv4 and IPv6) only where the spec says so.
 */
export class TenantServers extends Construct {
  /** Servers in file order: the volume attaches to the first, DNS records find theirs by name. */
  public readonly servers: readonly TenantServer[];

  constructor(scope: Construct, id: string, props: TenantServersProps) {
    super(scope, id);
    this.servers = props.servers.map((spec) => {
      const logicalId = serverLogicalId(spec.group, spec.index);
      const resource = new Server(this, logicalId, {
        name: spec.name,
        serverType: spec.serverType,
        image: terraformLiteral(spec.image),
        location: props.location,
        labels: tenantLabels({ ...props.identity, role: spec.role }),
        sshKeys: [...(props.sshKeys ?? [])],
        backups: props.backups ?? false,
        deleteProtection: props.protection ?? false,
        rebuildProtection: props.protection ?? false,
        // Offline tenants: only the jump host has a public interface (spec.publicInterface).
        publicNet: [{ ipv4Enabled: spec.publicInterface, ipv6Enabled: spec.publicInterface }],
        network: [{ networkId: Token.asNumber(props.networkId), ip: spec.privateIp }],
        dependsOn: props.dependsOn,
        // Hetzner injects SSH keys only when it creates a server and never
        // reports them back: a change would replace every server (keys on
        // running servers are Ansible's job), and a server adopted after an
        // interrupted deploy (`npm run adopt`) would be replaced at once.
        lifecycle: { ignoreChanges: ['ssh_keys'] },
      });
      resource.overrideLogicalId(logicalId);
      return { spec, resource };
    });
  }
}
