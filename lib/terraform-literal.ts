/**
 * OpenTofu reads every string of a stack's JSON as a template: `${...}` is an
 * expression and `%{...}` a directive, so a platform or tenant value holding
 * them would be evaluated (`${file("/etc/passwd")}`) instead of passed on.
 * `$${` and `%%{` are their literal forms. Pure.
 */

/** The string as an OpenTofu template that evaluates to exactly it. */
export function terraformLiteral(value: string): string {
  // A function, not a replacement string: in one, "$$" means a single "$".
  return value.replace(/([$%])\{/g, (_, sigil: string) => `${sigil}${sigil}{`);
}

/** Every string inside `value` (objects, arrays) made literal. */
export function terraformLiterals<T>(value: T): T {
  if (typeof value === 'string') return terraformLiteral(value) as T;
  if (Array.isArray(value)) return value.map(terraformLiterals) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terraformLiterals(v)])) as T;
  }
  return value;
}
