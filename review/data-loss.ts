/**
 * Data-loss risks: a replacement or destruction of a resource that holds data
 * or that other resources' data depends on. Pure.
 */
import type { ChangeKind, PlanSummary } from './plan-summary';

/** Resource types whose replacement or destruction loses data (disks, volume contents, private addressing). */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set(['hcloud_server', 'hcloud_volume', 'hcloud_network']);

/** Types the production policy protects: losing them loses the tenant's data. */
export const PROTECTED_IN_PRODUCTION: ReadonlySet<string> = new Set(['hcloud_server', 'hcloud_volume']);

export interface DataLossRisk {
  readonly address: string;
  readonly type: string;
  readonly kind: Extract<ChangeKind, 'replace' | 'destroy'>;
  /** The attributes that force a replacement, when OpenTofu named them. */
  readonly forcedBy: readonly string[];
}

/** Every replacement or destruction of a stateful resource, sorted by address. */
export function dataLossRisks(summary: PlanSummary): DataLossRisk[] {
  const out: DataLossRisk[] = [];
  for (const r of summary.resources) {
    if (!STATEFUL_TYPES.has(r.type) || (r.kind !== 'replace' && r.kind !== 'destroy')) continue;
    out.push({
      address: r.address,
      type: r.type,
      kind: r.kind,
      forcedBy: r.attributes.filter((a) => a.forcesReplacement).map((a) => a.name),
    });
  }
  return out;
}
