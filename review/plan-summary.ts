/**
 * What a plan does, per resource: pure, from `tofu show -json` output to a
 * sorted summary with counts. Data-source reads are reported apart and never
 * counted as changes (Digger, another plan-review tool, reports them as drift).
 */
import { redactSensitive, SENSITIVE, sensitiveAt, type PlanJson, type PlanResourceChange } from '../lib/plan-json';

/** The review's vocabulary: OpenTofu's action lists collapsed into one word. */
export type ChangeKind = 'create' | 'update' | 'replace' | 'destroy' | 'no-op' | 'read' | 'forget';

/** The kinds that change infrastructure, in the order the review shows them. */
export const CHANGE_KINDS = ['create', 'update', 'replace', 'destroy'] as const;
export type CountedKind = (typeof CHANGE_KINDS)[number];

/** `["delete","create"]` and `["create","delete"]` (create_before_destroy) are both a replacement. */
export function changeKind(actions: readonly string[]): ChangeKind {
  const a = [...actions].sort().join(',');
  switch (a) {
    case 'create': return 'create';
    case 'update': return 'update';
    case 'delete': return 'destroy';
    case 'create,delete': return 'replace';
    case 'read': return 'read';
    case 'forget': return 'forget';
    case 'no-op':
    case '': return 'no-op';
    default: return 'update'; // An unknown combination is shown, never silently dropped.
  }
}

/** One attribute that differs between before and after. */
export interface AttributeChange {
  /** Top-level attribute name. */
  readonly name: string;
  /** Short rendering of the old value; undefined when it did not exist. */
  readonly before?: string;
  /** Short rendering of the new value; undefined when removed or unknown. */
  readonly after?: string;
  /** The new value is known only after apply. */
  readonly unknownAfter?: boolean;
  /** The change of this attribute forces the replacement. */
  readonly forcesReplacement?: boolean;
}

export interface ResourceSummary {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  /** Values before the change (null: did not exist). */
  readonly before: Record<string, unknown> | null;
  /** Values after the change (null: will not exist); unknown values absent. */
  readonly after: Record<string, unknown> | null;
  /** For update and replace: what differs. */
  readonly attributes: readonly AttributeChange[];
  /** OpenTofu's reason, e.g. `replace_because_cannot_update`. */
  readonly reason?: string;
}

export interface PlanSummary {
  readonly counts: Readonly<Record<CountedKind, number>> & { readonly noop: number; readonly read: number };
  /** Managed resources (every action, incl. no-op), sorted by address. */
  readonly resources: readonly ResourceSummary[];
  /** Addresses of data sources read during the plan, sorted. */
  readonly reads: readonly string[];
}

const MAX_VALUE_CHARS = 60;

/** A value as a short single-line string for the review. */
export function shortValue(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null';
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS - 1)}…` : s;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** True when `mask` (an after_unknown value) marks anything inside as unknown. */
function hasUnknown(mask: unknown): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(hasUnknown);
  if (mask && typeof mask === 'object') return Object.values(mask).some(hasUnknown);
  return false;
}

/** `before` and `after` agree on every leaf of `after` that is known (unknown leaves are skipped). */
function knownPartsEqual(before: unknown, after: unknown, mask: unknown): boolean {
  if (mask === true) return true;
  if (!hasUnknown(mask)) return same(before, after);
  if (Array.isArray(after) || Array.isArray(before)) {
    const a = Array.isArray(after) ? after : [];
    const b = Array.isArray(before) ? before : [];
    if (a.length !== b.length) return false;
    return a.every((v, i) => knownPartsEqual(b[i], v, Array.isArray(mask) ? mask[i] : undefined));
  }
  const a = (after ?? {}) as Record<string, unknown>;
  const b = (before ?? {}) as Record<string, unknown>;
  const m = (mask ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => knownPartsEqual(b[k], a[k], m[k]));
}

/** Top-level attributes that differ, sorted by name; replacement triggers marked. */
export function attributeChanges(rc: PlanResourceChange): AttributeChange[] {
  const before = rc.change.before ?? {};
  const after = rc.change.after ?? {};
  const unknown = rc.change.after_unknown ?? {};
  const forcing = new Set((rc.change.replace_paths ?? []).map((p) => String(p[0])));
  const names = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)])].sort();
  const out: AttributeChange[] = [];
  const replacing = changeKind(rc.change.actions) === 'replace';
  for (const name of names) {
    const mask = unknown[name];
    const hasAfter = Object.prototype.hasOwnProperty.call(after, name);
    const partlyUnknown = hasUnknown(mask);
    if (!partlyUnknown && same(before[name], hasAfter ? after[name] : undefined)) continue;
    // Known parts differ: a real change. Known parts agree: the value will be
    // recomputed, which is news only for an update of something that had a value.
    const knownChange = !knownPartsEqual(before[name], after[name], mask);
    if (!knownChange && !forcing.has(name)) {
      if (before[name] === undefined || before[name] === null || replacing) continue;
    }
    const unknownAfter = mask === true || (partlyUnknown && !knownChange);
    const present = (v: unknown) => v !== undefined && v !== null;
    const hidden = sensitiveAt(rc.change.before_sensitive, [name]) || sensitiveAt(rc.change.after_sensitive, [name]);
    const show = (v: unknown) => (hidden ? SENSITIVE : shortValue(v));
    out.push({
      name,
      ...(present(before[name]) ? { before: show(before[name]) } : {}),
      ...(!unknownAfter && present(after[name]) ? { after: show(after[name]) } : {}),
      ...(unknownAfter ? { unknownAfter: true } : {}),
      ...(forcing.has(name) ? { forcesReplacement: true } : {}),
    });
  }
  return out;
}

/** Summarizes one plan. */
export function summarizePlan(plan: PlanJson): PlanSummary {
  const counts = { create: 0, update: 0, replace: 0, destroy: 0, noop: 0, read: 0 };
  const resources: ResourceSummary[] = [];
  const reads: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const kind = changeKind(rc.change.actions);
    if (rc.mode === 'data' || kind === 'read') {
      counts.read++;
      reads.push(rc.address);
      continue;
    }
    if (kind === 'no-op') counts.noop++;
    else if (kind !== 'forget') counts[kind]++;
    resources.push({
      address: rc.address,
      type: rc.type,
      kind,
      before: redactSensitive(rc.change.before ?? null, rc.change.before_sensitive),
      after: redactSensitive(rc.change.after ?? null, rc.change.after_sensitive),
      attributes: kind === 'update' || kind === 'replace' ? attributeChanges(rc) : [],
      ...(rc.action_reason ? { reason: rc.action_reason } : {}),
    });
  }
  resources.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  reads.sort();
  return { counts, resources, reads };
}

/** True when the plan changes nothing. */
export function isEmptyPlan(s: PlanSummary): boolean {
  return s.counts.create + s.counts.update + s.counts.replace + s.counts.destroy === 0;
}
