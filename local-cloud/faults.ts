/**
 * Configurable faults: answer chosen calls with 500, 429 (rate_limit_exceeded),
 * 409 (conflict), 423 (locked) or another error status, each with Hetzner's
 * code and message (errors.ts `injectedError`), selected by method and path pattern, by the nth
 * matching call, or with a probability drawn from a seeded RNG (so a failing
 * run can be replayed with the same seed).
 */

export interface FaultRule {
  /** HTTP method to match, e.g. "POST"; any method when omitted. */
  readonly method?: string;
  /**
   * Path below /v1 to match: a RegExp, or a pattern where `*` stands for one
   * segment and a trailing `**` for the rest (`/servers/*` + `/actions/poweron`).
   * Any path when omitted.
   */
  readonly path?: string | RegExp;
  /**
   * Status to answer: 409 gives `conflict`, 423 `locked`, 429
   * `rate_limit_exceeded`, 500 `server_error`, 502/503/504 their codes.
   */
  readonly status: number;
  /** Fail only these matching calls (1-based, counted per rule). */
  readonly nth?: number | readonly number[];
  /** Fail each matching call with this probability (0..1), drawn from the seeded RNG. */
  readonly probability?: number;
  /** Inject at most this many faults with this rule. @default - unlimited */
  readonly times?: number;
  /**
   * `before` (default): the call is refused and nothing changes. `after`: the
   * call takes effect but its answer is lost, like a timeout on the way back.
   */
  readonly when?: 'before' | 'after';
}

export interface InjectedFault {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly when: 'before' | 'after';
  /** Index of the rule in the order rules were added. */
  readonly rule: number;
}

/** mulberry32: a tiny deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function toRegExp(pattern: string): RegExp {
  const parts = pattern.split('/').map((seg) => {
    if (seg === '**') return '.*';
    if (seg === '*') return '[^/]+';
    return seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('/').replace(/\/\.\*$/, '(/.*)?')}$`);
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly path?: RegExp;
  calls: number;
  injected: number;
}

export class Faults {
  private rules: ActiveRule[] = [];
  private random: () => number;
  /** Every fault injected so far, in order. */
  readonly injected: InjectedFault[] = [];

  constructor(seed = 1) {
    this.random = rng(seed);
  }

  /** Adds a rule; returns its index. */
  add(rule: FaultRule): number {
    const path = rule.path === undefined ? undefined : typeof rule.path === 'string' ? toRegExp(rule.path) : rule.path;
    this.rules.push({ rule, path, calls: 0, injected: 0 });
    return this.rules.length - 1;
  }

  /** Removes every rule (the log of injected faults stays) and optionally reseeds. */
  clear(seed?: number): void {
    this.rules = [];
    if (seed !== undefined) this.random = rng(seed);
  }

  /** Decides whether this call fails; the first rule that fires wins. */
  decide(method: string, path: string): { status: number; when: 'before' | 'after' } | undefined {
    for (const [index, r] of this.rules.entries()) {
      if (r.rule.method && r.rule.method.toUpperCase() !== method) continue;
      if (r.path && !r.path.test(path)) continue;
      r.calls++;
      if (r.rule.times !== undefined && r.injected >= r.rule.times) continue;
      const nth = r.rule.nth === undefined ? undefined : ([] as number[]).concat(r.rule.nth as number | number[]);
      if (nth && !nth.includes(r.calls)) continue;
      if (r.rule.probability !== undefined && !(this.random() < r.rule.probability)) continue;
      r.injected++;
      const when = r.rule.when ?? 'before';
      this.injected.push({ method, path, status: r.rule.status, when, rule: index });
      return { status: r.rule.status, when };
    }
    return undefined;
  }
}
