/**
 * Hetzner's label selector language, as the `label_selector` query parameter
 * and firewall `apply_to` selectors use it:
 *
 *   k=v  k==v   the label k is present with value v
 *   k!=v        the label k is not v
 *   k           the label k is present
 *   !k          the label k is absent
 *   k in (a,b)  the label k is one of a, b
 *   k notin (a,b)
 *   e1,e2       every expression holds (AND)
 *
 * Hetzner documents these operators without saying what `k!=v` and
 * `k notin (...)` do for a resource that has no label k. Its selector language
 * is the one Kubernetes uses, where such a resource matches; we follow that.
 *
 * Pure: parse once, match many times.
 */
import { labelKeyProblem, labelValueProblem } from '../lib/hetzner';

export type Requirement =
  | { readonly op: 'eq' | 'neq'; readonly key: string; readonly value: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'exists' | 'absent'; readonly key: string };

/** A selector that cannot be parsed: `position` is the 0-based offset of the problem. */
export class LabelSelectorError extends Error {
  constructor(readonly selector: string, readonly position: number, problem: string) {
    super(`invalid label selector "${selector}" at position ${position}: ${problem}`);
    this.name = 'LabelSelectorError';
  }
}

const WORD = /[A-Za-z0-9_.\-/]/;

/** Parses a selector; the empty selector has no requirement and matches everything. */
export function parseLabelSelector(selector: string): Requirement[] {
  const s = selector;
  let i = 0;
  const fail = (problem: string, at = i): never => {
    throw new LabelSelectorError(selector, at, problem);
  };
  const skipSpace = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const word = (what: string): string => {
    skipSpace();
    const start = i;
    while (i < s.length && WORD.test(s[i])) i++;
    if (i === start) fail(`expected ${what}`);
    return s.slice(start, i);
  };
  // A value may be empty (`k=`), which labels allow.
  const value = (): string => {
    skipSpace();
    const start = i;
    while (i < s.length && WORD.test(s[i])) i++;
    const v = s.slice(start, i);
    const problem = labelValueProblem(v);
    if (problem) fail(problem, start);
    return v;
  };
  const key = (): string => {
    const start = (skipSpace(), i);
    const k = word('a label key');
    const problem = labelKeyProblem(k);
    if (problem) fail(problem, start);
    return k;
  };
  const valueList = (): string[] => {
    skipSpace();
    if (s[i] !== '(') fail('expected "(" after in/notin');
    i++;
    const values = [value()];
    skipSpace();
    while (s[i] === ',') {
      i++;
      values.push(value());
      skipSpace();
    }
    if (s[i] !== ')') fail('expected "," or ")" in the value list');
    i++;
    return values;
  };

  const out: Requirement[] = [];
  skipSpace();
  if (i === s.length) return out;
  for (;;) {
    skipSpace();
    if (s[i] === '!' && s[i + 1] !== '=') {
      i++;
      out.push({ op: 'absent', key: key() });
    } else {
      const k = key();
      skipSpace();
      if (s.startsWith('==', i)) {
        i += 2;
        out.push({ op: 'eq', key: k, value: value() });
      } else if (s.startsWith('!=', i)) {
        i += 2;
        out.push({ op: 'neq', key: k, value: value() });
      } else if (s[i] === '=') {
        i += 1;
        out.push({ op: 'eq', key: k, value: value() });
      } else if (/^notin[ (]/.test(s.slice(i))) {
        i += 5;
        out.push({ op: 'notin', key: k, values: valueList() });
      } else if (/^in[ (]/.test(s.slice(i))) {
        i += 2;
        out.push({ op: 'in', key: k, values: valueList() });
      } else {
        out.push({ op: 'exists', key: k });
      }
    }
    skipSpace();
    if (i === s.length) return out;
    if (s[i] !== ',') fail('expected "," between expressions');
    i++;
  }
}

/** True when `labels` satisfies every requirement. */
export function matchesRequirements(labels: Readonly<Record<string, string>>, reqs: readonly Requirement[]): boolean {
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'eq':
        return has && v === r.value;
      case 'neq':
        return !has || v !== r.value;
      case 'exists':
        return has;
      case 'absent':
        return !has;
      case 'in':
        return has && r.values.includes(v);
      case 'notin':
        return !has || !r.values.includes(v);
    }
  });
}

// Stored firewalls are matched against every server on every read: parse each selector once.
const parsed = new Map<string, Requirement[]>();

/** Parses `selector` (memoized) and matches `labels` against it. Throws LabelSelectorError. */
export function matchesSelector(labels: Readonly<Record<string, string>>, selector: string): boolean {
  let reqs = parsed.get(selector);
  if (!reqs) {
    reqs = parseLabelSelector(selector);
    if (parsed.size > 1000) parsed.clear();
    parsed.set(selector, reqs);
  }
  return matchesRequirements(labels, reqs);
}
