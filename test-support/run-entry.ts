/** Runs one of the project's TypeScript entry points (as the npm scripts do) in a child process. */
import { spawn } from 'child_process';
import * as path from 'path';
import { finished, type Finished } from './process';

const ROOT = path.resolve(__dirname, '..');

/**
 * `node scripts/run.js <entry> ...args` in the project root, with `env` over
 * the test's environment (a value of undefined removes the variable). Does not
 * block the event loop, so an in-process server can answer it.
 */
export function runEntry(entry: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Finished> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'run.js'), entry, ...args], { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  return finished(child);
}
