/**
 * A problem found in an input file, located by field path and, once the
 * loader has mapped the path back into the YAML source, by line and column.
 */
export type FieldPath = ReadonlyArray<string | number>;

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  /** File the problem is in, as the user named it. */
  readonly file: string;
  /** Path of the offending field, e.g. ['firewall', 'ingress', 0, 'port']. */
  readonly path: FieldPath;
  /** What is wrong and what would be right. */
  readonly message: string;
  /** 1-based position of the offending value in the YAML source. */
  readonly line?: number;
  readonly col?: number;
}

/** `firewall.ingress[0].port` */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(file)' : out;
}

/**
 * A run of 32 or more letters and digits that mixes letters with digits or
 * upper with lower case: what API tokens look like (a Hetzner Cloud token is
 * 64 of them). Ids, names and DNS labels are shorter or contain "-" or ".".
 */
const TOKEN_LIKE = /[A-Za-z0-9]{32,}/g;
/** age public keys are public by design: users need to see them. */
const AGE_PUBLIC_KEY = /^age1[0-9a-z]{58}$/;

function looksLikeToken(run: string): boolean {
  if (AGE_PUBLIC_KEY.test(run)) return false;
  const letters = /[A-Za-z]/.test(run);
  const digits = /[0-9]/.test(run);
  const mixedCase = /[a-z]/.test(run) && /[A-Z]/.test(run);
  return (letters && digits) || mixedCase;
}

/**
 * `text` with every token-like value replaced by a placeholder. Everything that
 * prints a diagnostic or an error that echoes user input goes through here, so
 * that a token pasted into the wrong field never reaches a terminal or CI log.
 */
export function redactSecrets(text: string): string {
  return text.replace(TOKEN_LIKE, (run) => (looksLikeToken(run) ? `<redacted: ${run.length} characters that look like a token>` : run));
}

/**
 * `tenants/acme.yaml:12:7: firewall.ingress[0].port: ...`; warnings say so after
 * the position. A problem of the whole file (empty, unreadable) is put at 1:1 so
 * that every line has the same grep- and editor-friendly shape. Token-like
 * values in the message are redacted (redactSecrets).
 */
export function formatDiagnostic(d: Diagnostic): string {
  const tag = d.severity === 'warning' ? 'warning: ' : '';
  return `${d.file}:${d.line ?? 1}:${d.col ?? 1}: ${tag}${formatPath(d.path)}: ${redactSecrets(d.message)}`;
}

/** Errors and warnings of a list of diagnostics. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === 'error') errors++;
  return { errors, warnings: diagnostics.length - errors };
}

/** "1 error", "2 warnings": a count with its noun. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Edit distance (insertions, deletions, substitutions and swaps of two
 * neighbouring characters, each counting 1), for "did you mean" suggestions.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i].push(d);
    }
  }
  return rows[a.length][b.length];
}

/**
 * The closest candidate within a small edit distance, or the only candidate the
 * value is a prefix of ("prod" -> "production"); undefined when nothing is close.
 */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  const v = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(v, c.toLowerCase());
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(value.length / 3))) return best;
  const prefixed = v.length >= 2 ? candidates.filter((c) => c.toLowerCase().startsWith(v)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
