/**
 * What the synth-time rules read: a synthesized stack (its Terraform JSON)
 * and the tenant it belongs to. The TenantStack runs the rules on every synth.
 */
import type { FirewallRule, Tenant } from '../../lib/tenant/model';
import type { Violation } from '../rule';

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
  /** offline: only the jump host may have a public interface. @default online */
  readonly mode?: 'online' | 'offline';
  /** Offline: the name of the jump host. @default - none (then no server may have a public interface) */
  readonly jumpHost?: string;
}

/** The context of a validated tenant (what TenantStack checks its stack against). */
export function isolationContext(tenant: Pick<Tenant, 'id' | 'networkCidr' | 'ingress' | 'mode' | 'jumpHost'>): TenantContext {
  return {
    tenantId: tenant.id,
    networkCidr: tenant.networkCidr,
    publicIngress: tenant.ingress.filter((r) => r.public),
    mode: tenant.mode,
    jumpHost: tenant.jumpHost,
  };
}

/** The input of every synth-time rule. */
export interface SynthInput {
  readonly stack: StackJson;
  readonly tenant: TenantContext;
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

/** A violation of the stack's tenant at `r` (a resource, or a free-form location). */
export const violationAt = (tenant: TenantContext, r: StackResource | string, message: string): Violation => ({
  tenant: tenant.tenantId,
  resource: typeof r === 'string' ? r : r.path,
  message,
});
