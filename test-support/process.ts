/** Waiting for a child process of a test while collecting what it printed. */
import type { ChildProcess } from 'child_process';

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from `started` to exit. */
  readonly ms: number;
}

/** Resolves when `child` (spawned with piped stdout/stderr) closes; rejects if it cannot start. */
export function finished(child: ChildProcess, started = Date.now()): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
}

/** JSON.parse, or undefined when the text is not JSON. */
export function parseJsonOrUndefined(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
