/**
 * Which tenants a change touches, and why. Pure: decided by comparing each
 * tenant's synthesized stack at the base revision with the stack here (see
 * `stack-diff.ts`), plus the tenants added and removed. A change that alters
 * no stack's output (a refactor, a comment, a README) plans nothing; a change
 * to shared code that alters every stack plans every tenant. The changed
 * files (`changed-files.ts`) only add context to the reasons and tell a
 * tenant whose own file changed (`changed`) from one changed by shared code
 * (`shared`).
 */
import { describeStackDiff, diffStacks, isSameStack } from './stack-diff';

/** Why a tenant's stack must be planned. */
export type AffectKind = 'removed' | 'added' | 'changed' | 'shared';

export interface AffectedTenant {
  readonly tenant: string;
  readonly kind: AffectKind;
  /** Human-readable reasons, most specific first. */
  readonly reasons: readonly string[];
}

/** The stacks of one revision, or why there are none. */
export type StackSet =
  | { readonly ok: true; readonly stacks: ReadonlyMap<string, unknown> }
  | { readonly ok: false; readonly error: string };

export interface AffectedInput {
  /** Tenant ids with a tenant file at the base. */
  readonly baseIds: readonly string[];
  /** Tenant ids with a tenant file here. */
  readonly headIds: readonly string[];
  /** Stacks synthesized by the base revision's own code, by tenant id. */
  readonly base: StackSet;
  /** Stacks synthesized here, by tenant id; a tenant missing here could not be synthesized (its error is reported apart). */
  readonly head: ReadonlyMap<string, unknown>;
  /** What the changed files say about each tenant (`tenantsByChangedFiles`), for context. */
  readonly fileHints?: readonly AffectedTenant[];
  /**
   * Plan every tenant for this reason, whatever the comparison says: an input
   * of the plan that is not in the stack changed (the OpenTofu version).
   */
  readonly planAll?: string;
}

export interface Affected {
  /** Affected tenants, sorted by id. */
  readonly tenants: readonly AffectedTenant[];
  /** Tenants whose stack is the same at the base and here, sorted. */
  readonly unchanged: readonly string[];
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The first line of an error, for a reason. */
const firstLine = (s: string) => s.split('\n').map((l) => l.trim()).find(Boolean) ?? s;

export function affectedTenants(input: AffectedInput): Affected {
  const before = new Set(input.baseIds);
  const after = new Set(input.headIds);
  const hints = new Map((input.fileHints ?? []).map((h) => [h.tenant, h]));
  const tenants: AffectedTenant[] = [];
  const unchanged: string[] = [];

  for (const id of [...new Set([...before, ...after])].sort(byId)) {
    const hint = hints.get(id);
    if (!after.has(id)) {
      tenants.push({ tenant: id, kind: 'removed', reasons: hint?.kind === 'removed' ? hint.reasons : ['tenant file removed: offboarding'] });
      continue;
    }
    if (!before.has(id)) {
      tenants.push({ tenant: id, kind: 'added', reasons: hint?.kind === 'added' ? hint.reasons : ['new tenant: no tenant file at the base'] });
      continue;
    }
    const kind: AffectKind = hint?.kind === 'changed' ? 'changed' : 'shared';
    const context = hint?.reasons ?? [];
    const head = input.head.get(id);
    let reason: string | undefined;
    if (input.planAll) reason = input.planAll;
    else if (head === undefined) reason = 'the stack does not synthesize here';
    else if (!input.base.ok) reason = `the base revision does not synthesize (${firstLine(input.base.error)}): planned to be safe`;
    else if (!input.base.stacks.has(id)) reason = 'no stack at the base: planned to be safe';
    else {
      const d = diffStacks(input.base.stacks.get(id), head);
      if (!isSameStack(d)) reason = describeStackDiff(d);
    }
    if (reason === undefined) unchanged.push(id);
    else tenants.push({ tenant: id, kind, reasons: [reason, ...context.filter((r) => r !== reason)] });
  }
  return { tenants, unchanged };
}
