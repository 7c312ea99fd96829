/**
 * Isolation rules in the manner of cdk-nag rule packs: each rule is a small
 * pure function over a synthesized stack (its Terraform JSON) and the tenant it
 * belongs to, with its own tests. The TenantStack runs them on every synth;
 * the plan review runs them on the stacks a change touches.
 */
import type { FirewallRule } from '../../lib/tenant/model';

/** The part of a synthesized stack (cdk.tf.json) the rules read. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly [key: string]: unknown;
}

/** What a stack is supposed to be: the tenant it belongs to. */
export interface TenantContext {
  readonly tenantId: string;
  /** 10.<seq>.0.0/16 */
  readonly networkCidr: string;
  /** Ingress rules the tenant file explicitly marked `public: true`. */
  readonly publicIngress: readonly FirewallRule[];
}

/** One resource of a stack, with the address a reviewer recognizes. */
export interface StackResource {
  readonly type: string;
  readonly name: string;
  /** `hcloud_server.server_app_1` */
  readonly address: string;
  /** Construct path, e.g. `tenant-acme/servers/server_app_1`, when known. */
  readonly path: string;
  readonly config: Record<string, unknown>;
}

export interface Finding {
  /** Rule id, e.g. `tenant-label`. */
  readonly rule: string;
  /** Construct path or address of the offending resource. */
  readonly resource: string;
  /** What is wrong, with the values involved. */
  readonly message: string;
}

export type RuleResult = 'not-applicable' | readonly Finding[];

export interface IsolationRule {
  readonly id: string;
  /** What is wrong when the rule fails. */
  readonly info: string;
  /** Why it matters. */
  readonly explanation: string;
  check(stack: StackJson, tenant: TenantContext): RuleResult;
}

/** Every resource (and data source, with type prefixed `data.`) of a stack. */
export function stackResources(stack: StackJson, includeData = false): StackResource[] {
  const out: StackResource[] = [];
  const collect = (blocks: StackJson['resource'], prefix: string) => {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, config] of Object.entries(byName)) {
        const meta = (config['//'] as { metadata?: { path?: string } } | undefined)?.metadata;
        const address = `${prefix}${type}.${name}`;
        out.push({ type: `${prefix}${type}`, name, address, path: meta?.path ?? address, config });
      }
    }
  };
  collect(stack.resource, '');
  if (includeData) collect(stack.data, 'data.');
  return out;
}

export const finding = (rule: IsolationRule, r: StackResource | string, message: string): Finding => ({
  rule: rule.id,
  resource: typeof r === 'string' ? r : r.path,
  message,
});
