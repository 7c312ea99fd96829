import { Construct } from 'constructs';
import { TerraformResource } from './cdk';
import { terraformLiteral } from '../lib/terraform-literal';

export interface PostApplyProps {
  /** Tenant id passed to the playbook. */
  readonly tenantId: string;
  /** Values whose change re-runs the step (the server ids). */
  readonly triggers: readonly string[];
  /** Shell command run on the machine that applies, from the stack directory; passed on literally (no OpenTofu templates). */
  readonly command: string;
}

/**
 * Runs Ansible for this tenant after apply, through OpenTofu's built-in
 * `terraform_data` with a local-exec provisioner: no extra provider to build
 * or mirror (the null provider would need both), and `triggers_replace`
 * re-runs it whenever the tenant's servers change.
 */
export class PostApply extends Construct {
  constructor(scope: Construct, id: string, props: PostApplyProps) {
    super(scope, id);
    const data = new TerraformResource(this, 'post_apply', { terraformResourceType: 'terraform_data' });
    data.overrideLogicalId('post_apply');
    data.addOverride('triggers_replace', [...props.triggers]);
    data.addOverride('provisioner', [{ 'local-exec': { command: terraformLiteral(props.command), environment: { TENANT_ID: props.tenantId } } }]);
  }
}
