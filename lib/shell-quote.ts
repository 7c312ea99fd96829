/**
 * POSIX shell quoting (sh, dash, bash, zsh): a value becomes exactly one
 * argument, whatever it holds (quotes, `$()`, backticks, newlines, spaces).
 * Inside single quotes nothing is special except the single quote itself,
 * which is written as '\'' (close, escaped quote, reopen). Pure.
 */

/** Always single-quoted. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Left bare when it has only characters no shell treats specially, else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : shellQuote(value);
}
