/**
 * Test support: an OpenTofu state (format 4) "as if applied", crafted from a
 * plan of new resources, for tests that need existing infrastructure without
 * a Hetzner API (a resize, a replacement, an offboarding). Pure.
 *
 * Every value known at plan time is kept. Every value known only after apply
 * is filled: from the attribute it references (`network_id` <- the network's
 * id, DNS records <- the server's address), or else with a plausible value of
 * the schema's type (ids count up from 100000; addresses come from the
 * documentation ranges 203.0.113.0/24 and 2001:db8::/32). A plan of the same
 * configuration against this state, without refresh, changes nothing (the
 * integration test checks that).
 */
import type { PlanJson } from '../../lib/plan-json';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type SchemaType = string | [string, unknown];

interface Block {
  attributes?: Record<string, { type?: SchemaType; nested_type?: unknown }>;
  block_types?: Record<string, { nesting_mode: string; block: Block }>;
}

/** `tofu providers schema -json` (as stored in providers/schemas/). */
export interface ProviderSchemas {
  readonly provider_schemas: Record<string, { resource_schemas: Record<string, { version: number; block: Block }> }>;
}

interface ConfigResource {
  readonly address: string;
  readonly expressions?: Record<string, unknown>;
}

interface PlanWithConfig extends PlanJson {
  readonly configuration?: { readonly root_module?: { readonly resources?: readonly ConfigResource[] } };
}

export interface CraftedState {
  readonly version: 4;
  readonly terraform_version: string;
  readonly serial: number;
  readonly lineage: string;
  readonly outputs: Record<string, never>;
  readonly resources: unknown[];
}

/** The referenced attribute of an expression, e.g. `hcloud_network.network.id`. */
function referenceOf(expr: unknown): { address: string; path: string[] } | undefined {
  const refs = (expr as { references?: string[] } | undefined)?.references;
  if (!refs) return undefined;
  for (const r of refs) {
    const parts = r.split('.');
    if (parts.length >= 3 && !r.startsWith('var.') && !r.startsWith('local.')) {
      return { address: `${parts[0]}.${parts[1]}`, path: parts.slice(2) };
    }
  }
  return undefined;
}

function get(v: Json | undefined, path: readonly string[]): Json | undefined {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(p)] : cur[p];
  }
  return cur;
}

export function craftStateFromPlan(planJson: PlanJson, schemas: ProviderSchemas, options: { lineage?: string; tofuVersion?: string } = {}): CraftedState {
  const plan = planJson as PlanWithConfig;
  const provider = Object.keys(schemas.provider_schemas)[0];
  const resourceSchemas = schemas.provider_schemas[provider].resource_schemas;
  const exprs = new Map((plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, r.expressions ?? {}]));
  const changes = (plan.resource_changes ?? []).filter((rc) => rc.mode === 'managed' && rc.change.after);
  let nextId = 100000;
  let nextHost = 10;

  // A plausible value for a computed attribute nobody references.
  const invent = (name: string, type: SchemaType | undefined, values: Record<string, Json>): Json => {
    const kind = Array.isArray(type) ? type[0] : type;
    if (kind === 'list' || kind === 'set') return [];
    if (kind === 'map' || kind === 'object') return {};
    if (kind === 'bool') return false;
    if (kind === 'number') return name.endsWith('_size') ? 40 : nextId++;
    if (name === 'id') return String(nextId++);
    if (name.includes('ipv4')) return `203.0.113.${nextHost++}`;
    if (name === 'ipv6_network') return `2001:db8:${(nextHost++).toString(16)}::/64`;
    if (name.includes('ipv6')) return `2001:db8:${(nextHost++).toString(16)}::1`;
    if (name === 'status') return 'running';
    if (name === 'datacenter') return `${values.location ?? 'nbg1'}-dc3`;
    if (name === 'mac_address') return `86:00:00:00:00:${(nextHost++ % 256).toString(16).padStart(2, '0')}`;
    if (name === 'linux_device') return `/dev/disk/by-id/scsi-0HC_Volume_${nextId++}`;
    return '';
  };

  const filled = new Map<string, Record<string, Json>>();
  const pending: { rc: (typeof changes)[number]; block: Block }[] = changes.map((rc) => ({ rc, block: resourceSchemas[rc.type]?.block ?? {} }));

  // Fills unknown leaves; returns false when a referenced resource is not filled yet.
  const fill = (value: Json, unknown: unknown, expr: unknown, block: Block | undefined, attrType: SchemaType | undefined, name: string, owner: Record<string, Json>): { ok: boolean; value: Json } => {
    if (unknown === true) {
      const ref = referenceOf(expr);
      if (ref) {
        const target = filled.get(ref.address);
        if (!target) return { ok: false, value };
        let v = get(target, ref.path) ?? null;
        const kind = Array.isArray(attrType) ? attrType[0] : attrType;
        if (kind === 'number' && typeof v === 'string' && /^\d+$/.test(v)) v = Number(v);
        return { ok: true, value: v };
      }
      return { ok: true, value: invent(name, attrType, owner) };
    }
    if (Array.isArray(unknown)) {
      const arr = Array.isArray(value) ? [...value] : [];
      let ok = true;
      unknown.forEach((u, i) => {
        const elemExpr = Array.isArray(expr) ? expr[i] ?? expr[0] : expr;
        const elemType = Array.isArray(attrType) ? (attrType[1] as SchemaType) : undefined;
        const r = fill(arr[i] ?? (block ? {} : null), u, elemExpr, block, elemType, name, owner);
        ok &&= r.ok;
        arr[i] = r.value;
      });
      return { ok, value: arr };
    }
    if (unknown && typeof unknown === 'object') {
      const obj: Record<string, Json> = value && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
      let ok = true;
      for (const [k, u] of Object.entries(unknown)) {
        // An expression that covers this whole attribute (a reference inside a list of objects) applies to its leaves.
        const e = expr && typeof expr === 'object' && !Array.isArray(expr) && !(expr as { references?: unknown }).references
          ? (expr as Record<string, unknown>)[k]
          : expr;
        const nested = block?.block_types?.[k]?.block;
        const t = block?.attributes?.[k]?.type
          ?? (Array.isArray(attrType) && attrType[0] === 'object' ? (attrType[1] as Record<string, SchemaType>)[k] : undefined);
        const r = fill(obj[k] ?? null, u, e, nested, t, k, obj);
        ok &&= r.ok;
        obj[k] = r.value;
      }
      return { ok, value: obj };
    }
    return { ok: true, value };
  };

  for (let pass = 0; pending.length > 0; pass++) {
    if (pass > changes.length + 1) throw new Error(`cannot resolve references of ${pending.map((p) => p.rc.address).join(', ')}`);
    for (let i = 0; i < pending.length; ) {
      const { rc, block } = pending[i];
      const r = fill(rc.change.after as Json, rc.change.after_unknown ?? {}, exprs.get(rc.address), block, undefined, '', {});
      if (r.ok) {
        filled.set(rc.address, r.value as Record<string, Json>);
        pending.splice(i, 1);
      } else i++;
    }
  }

  const dependencies = (address: string): string[] => {
    const text = JSON.stringify(exprs.get(address) ?? {});
    const deps = new Set<string>();
    for (const m of text.matchAll(/"([a-z0-9_]+\.[a-zA-Z0-9_-]+)"/g)) if (filled.has(m[1]) && m[1] !== address) deps.add(m[1]);
    return [...deps].sort();
  };

  return {
    version: 4,
    terraform_version: options.tofuVersion ?? plan.terraform_version ?? '1.12.6',
    serial: 1,
    lineage: options.lineage ?? '00000000-0000-4000-8000-000000000000',
    outputs: {},
    resources: changes.map((rc) => ({
      mode: 'managed',
      type: rc.type,
      name: rc.name,
      provider: `provider["${rc.provider_name ?? provider}"]`,
      instances: [{
        schema_version: resourceSchemas[rc.type]?.version ?? 0,
        attributes: filled.get(rc.address),
        sensitive_attributes: [],
        dependencies: dependencies(rc.address),
      }],
    })),
  };
}
