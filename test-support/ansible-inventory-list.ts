/**
 * Runs `ansible-inventory --list` against an inventory file, with the
 * python-compat shim on PYTHONPATH (see python-compat/sitecustomize.py: Debian
 * bookworm pairs the hetzner.hcloud 1.11 inventory plugin with a
 * python3-hcloud that lacks ServerType.architecture, and the plugin reads
 * server.datacenter, which the API no longer returns; the shim adds both only
 * when they are missing).
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { finished, parseJsonOrUndefined } from './process';
import { REPO_ROOT } from './cdktf-project';

export const PYTHON_COMPAT_DIR = path.join(REPO_ROOT, 'ansible', 'inventory', 'python-compat');

export interface InventoryResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Parsed `--list` output when the run succeeded. */
  readonly inventory?: any;
}

export function ansibleInventory(file: string, env: Record<string, string>): Promise<InventoryResult> {
  const pythonPath = [PYTHON_COMPAT_DIR, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  const child = spawn('ansible-inventory', ['-i', file, '--list'], {
    env: { ...process.env, ...env, PYTHONPATH: pythonPath, ANSIBLE_NOCOLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return finished(child).then(({ code, stdout, stderr }) => ({
    code, stdout, stderr, inventory: code === 0 ? parseJsonOrUndefined(stdout) : undefined,
  }));
}
