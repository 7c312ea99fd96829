/**
 * The integration suites' door to the real toolchain. A missing tool fails
 * the suite with the tool's name and how to install it; it never skips.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DUMMY_TOKEN } from '../lib/hetzner';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require('../scripts/tools-env.js') as { bin: string; toolEnv: (base: NodeJS.ProcessEnv) => NodeJS.ProcessEnv };
const BIN = tools.bin;

/** The environment our tools run with (scripts/tools-env.js), non-interactive, plus `extra`. */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...tools.toolEnv(process.env), TF_IN_AUTOMATION: '1', ...extra };
}

/** Absolute path of a required tool, or an error that says how to get it. */
export function requireTool(name: string): string {
  const candidates = [path.join(BIN, name), ...(process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, name)), path.join('/usr/lib/postgresql/15/bin', name)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new Error(`missing tool: ${name} is not installed (looked in ${BIN} and PATH). Install the toolchain with: npm run tools`);
  }
  return found;
}


export interface TofuResult { status: number; stdout: string; stderr: string }

export function tofu(cwd: string, args: string[], env: Record<string, string> = {}): TofuResult {
  const bin = requireTool('tofu');
  const r: SpawnSyncReturns<string> = spawnSync(bin, args, {
    cwd,
    env: toolEnv({ HCLOUD_TOKEN: DUMMY_TOKEN, ...env }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs tofu and throws with its stderr when it fails. */
export function tofuOk(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const r = tofu(cwd, args, env);
  if (r.status !== 0) throw new Error(`tofu ${args.join(' ')} failed in ${cwd} (exit ${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}
