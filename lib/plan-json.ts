/**
 * The subset of OpenTofu's machine-readable plan (`tofu show -json <planfile>`,
 * format_version 1.x) that the review reads. Everything else is ignored, so a
 * newer format with more fields still parses.
 */

/** An action as OpenTofu writes it in `change.actions`. */
export type PlanAction = 'no-op' | 'create' | 'read' | 'update' | 'delete';

export interface PlanResourceChange {
  /** e.g. `hcloud_server.app_1` or `module.x.hcloud_volume.data[0]`. */
  readonly address: string;
  readonly module_address?: string;
  /** `managed` resources change infrastructure; `data` sources are only read. */
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly provider_name?: string;
  readonly change: {
    readonly actions: readonly PlanAction[];
    /** Attribute values before (null when the resource does not exist yet). */
    readonly before: Record<string, unknown> | null;
    /** Attribute values after (null when it will be destroyed); unknown values are absent. */
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
    /** Where the values are sensitive: `true`, or the same shape as the value with `true` at sensitive leaves. */
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
    /** Attribute paths whose change forces the replacement. */
    readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
  };
  /** Why OpenTofu chose the action, e.g. `replace_because_cannot_update`. */
  readonly action_reason?: string;
}

export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  /** Changes found by refreshing state: what changed outside OpenTofu since the last apply. */
  readonly resource_drift?: readonly PlanResourceChange[];
  /** State before the plan (after refresh): which resources OpenTofu manages. */
  readonly prior_state?: { readonly values?: { readonly root_module?: { readonly resources?: readonly { readonly address: string; readonly mode?: string }[] } } };
  /** True when the plan was made with -destroy. */
  readonly errored?: boolean;
}

/** What a review or drift report shows in place of a value OpenTofu marks sensitive. */
export const SENSITIVE = '(sensitive)';

const anySensitive = (m: unknown): boolean => m === true || (m !== null && typeof m === 'object' && Object.values(m).some(anySensitive));

/** Whether the mask (`before_sensitive` / `after_sensitive`) marks `path`, or anything inside it, as sensitive. */
export function sensitiveAt(mask: unknown, path: readonly (string | number)[]): boolean {
  let m = mask;
  for (const key of path) {
    if (m === true) return true;
    if (m === null || typeof m !== 'object') return false;
    m = (m as Record<string | number, unknown>)[key];
  }
  return anySensitive(m);
}

/**
 * `value` with every leaf the mask marks sensitive replaced by SENSITIVE, so a
 * plan's passwords and tokens never reach a review, its JSON or a log.
 */
export function redactSensitive<T>(value: T, mask: unknown): T {
  if (mask === true && value !== null && value !== undefined) return SENSITIVE as unknown as T;
  if (mask === null || typeof mask !== 'object' || value === null || typeof value !== 'object') return value;
  const m = mask as Record<string | number, unknown>;
  if (Array.isArray(value)) return value.map((v, i) => redactSensitive(v, m[i])) as unknown as T;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactSensitive(v, m[k])])) as T;
}
