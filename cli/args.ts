/**
 * Command-line reading shared by the commands: flags one at a time, every
 * problem collected (never only the first), and the usage printed with the
 * exit code for it (0 for --help, 64 for a mistake).
 */
export interface ArgCursor {
  /** Every problem found so far. */
  readonly problems: string[];
  /** The next argument, or undefined at the end. */
  next(): string | undefined;
  /** The value after `flag`; a problem when there is none. */
  value(flag: string): string;
  /** The value after `flag` as a positive integer; a problem otherwise. */
  positiveInt(flag: string): number;
}

export function argCursor(argv: readonly string[]): ArgCursor {
  const problems: string[] = [];
  let i = -1;
  const value = (flag: string) => {
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) problems.push(`${flag} needs a value`);
    return v ?? '';
  };
  return {
    problems,
    next: () => argv[++i],
    value,
    positiveInt(flag) {
      const v = value(flag);
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) problems.push(`${flag} must be a positive integer, got "${v}"`);
      return n;
    },
  };
}

/** The parsed arguments, or the text to print: the problems with the usage. */
export function parsed<T>(cursor: ArgCursor, args: T, usage: string): T | string {
  return cursor.problems.length ? `${cursor.problems.join('\n')}\n\n${usage}` : args;
}

/** Prints the usage text (help to stdout, a mistake to stderr) and returns the exit code. */
export function printUsage(text: string, usage: string): number {
  const help = text === usage;
  (help ? console.log : console.error)(text);
  return help ? 0 : 64;
}
