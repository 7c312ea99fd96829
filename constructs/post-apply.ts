import { Construct } from 'constructs';
import { TerraformResource } from './cdk';
import { terraformLiteral } from '../lib/terraform-literal';

/** A value the command takes from the apply: where `placeholder` stands in the command, OpenTofu puts `reference`'s value. */
export interface PostApplyAddress {
  /** Text in the command, reserved for this value (it must occur, and nothing else may hold it). */
  readonly placeholder: string;
  /** OpenTofu reference, e.g. `hcloud_server.server_app_1.ipv4_address`. */
  readonly reference: string;
  /** What it is, for the message when the value is not an IPv4 address. */
  readonly description: string;
}

export interface PostApplyProps {
  /** Tenant id passed to the playbook. */
  readonly tenantId: string;
  /** Values whose change re-runs the step (the server ids). */
  readonly triggers: readonly string[];
  /** Shell command run on the machine that applies, from the stack directory; passed on literally (no OpenTofu templates) but for `addresses`. */
  readonly command: string;
  /** IPv4 addresses only the apply knows, put into the command by OpenTofu. @default none */
  readonly addresses?: readonly PostApplyAddress[];
}

/**
 * Runs Ansible for this tenant after apply, through OpenTofu's built-in
 * `terraform_data` with a local-exec provisioner: no extra provider to build
 * or mirror (the null provider would need both), and `triggers_replace`
 * re-runs it whenever the tenant's servers change. The servers' public
 * addresses enter the command only after a precondition has checked that
 * each is an IPv4 address, so nothing the API answers can become shell code.
 */
export class PostApply extends Construct {
  constructor(scope: Construct, id: string, props: PostApplyProps) {
    super(scope, id);
    let command = terraformLiteral(props.command);
    for (const a of props.addresses ?? []) {
      const parts = command.split(a.placeholder);
      if (parts.length < 2) throw new Error(`[${this.node.path}] the post-apply command does not hold "${a.placeholder}"`);
      command = parts.join(`\${${a.reference}}`);
    }
    const data = new TerraformResource(this, 'post_apply', { terraformResourceType: 'terraform_data' });
    data.overrideLogicalId('post_apply');
    data.addOverride('triggers_replace', [...props.triggers]);
    if (props.addresses?.length) {
      data.addOverride('lifecycle', {
        precondition: props.addresses.map((a) => ({
          condition: `\${can(cidrhost("\${${a.reference}}/32", 0))}`,
          error_message: terraformLiteral(`${a.description} must be an IPv4 address for the Ansible inventory.`),
        })),
      });
    }
    data.addOverride('provisioner', [{ 'local-exec': { command, environment: { TENANT_ID: props.tenantId } } }]);
  }
}
