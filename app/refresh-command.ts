/**
 * The shell shared by the commands that rebuild a table of the repository from
 * the Hetzner Cloud API (`prices:refresh`, `catalogue:refresh`): `--out`,
 * HCLOUD_TOKEN (required; without it nothing is called or changed),
 * HCLOUD_ENDPOINT, and a write that replaces the file only when everything
 * succeeded. Returns the exit code: 0 written, 1 no token, 2 API or data error,
 * 64 usage.
 */
import * as fs from 'fs';
import { DEFAULT_ENDPOINT } from './hcloud-get';

export interface RefreshSpec {
  /** Prefix of every message, e.g. "refresh-prices". */
  readonly name: string;
  /** The file written by default, relative to the project root. */
  readonly defaultOut: string;
  /** How the command is started, for the usage line. */
  readonly usage: string;
  /** Fetches and formats the new file; `summary` follows "wrote <file>: ". */
  readonly build: (endpoint: string, token: string, date: string) => Promise<{ readonly text: string; readonly summary: string }>;
}

export async function runRefresh(argv: readonly string[], spec: RefreshSpec, log: (line: string) => void = console.error): Promise<number> {
  let out = spec.defaultOut;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = argv[++i];
    else {
      log(`usage: HCLOUD_TOKEN=... ${spec.usage} [--out ${spec.defaultOut}]`);
      return 64;
    }
  }
  const token = process.env.HCLOUD_TOKEN;
  if (!token) {
    log(`${spec.name}: HCLOUD_TOKEN is not set; ${out} is unchanged (a read-only token of any project will do).`);
    return 1;
  }
  const endpoint = process.env.HCLOUD_ENDPOINT || DEFAULT_ENDPOINT;
  try {
    const date = new Date().toISOString().slice(0, 10);
    const { text, summary } = await spec.build(endpoint, token, date);
    // Written beside the target and renamed, so a failed write never leaves half a file.
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, out);
    log(`${spec.name}: wrote ${out}: ${summary}`);
    return 0;
  } catch (e) {
    log(`${spec.name}: ${(e as Error).message}; ${out} is unchanged`);
    return 2;
  }
}
