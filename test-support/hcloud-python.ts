/**
 * Runs one case of test-support/hcloud-python-fidelity.py (hcloud-python, the
 * official Python client, as Debian packages it) against an API endpoint.
 *
 * The interpreter is the first of PYTHON_CANDIDATES that can `import hcloud`:
 * Debian's python3-hcloud lives in /usr/bin/python3's dist-packages, which a
 * python3 earlier on PATH (pyenv, venv) does not see.
 */
import { spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { DUMMY_TOKEN } from '../local-cloud/index';
import { finished, parseJsonOrUndefined } from './process';

const PYTHON_CANDIDATES = ['/usr/bin/python3', 'python3'];
const SCRIPT = path.join(__dirname, 'hcloud-python-fidelity.py');

export interface HcloudPython {
  readonly bin: string;
  /** hcloud-python's version, e.g. `1.18.2`. */
  readonly version: string;
}

/** The interpreter with hcloud-python, or a message naming what to install. */
export function findHcloudPython(): HcloudPython | string {
  for (const bin of PYTHON_CANDIDATES) {
    const r = spawnSync(bin, ['-c', 'from hcloud.__version__ import VERSION; print(VERSION)'], { encoding: 'utf8' });
    if (r.status === 0) return { bin, version: r.stdout.trim() };
  }
  return `hcloud-python is not importable by ${PYTHON_CANDIDATES.join(' or ')}; run 'npm run tools' (installs Debian's python3-hcloud)`;
}

export interface CaseResult {
  /** The APIException the client raised, when the API refused. */
  readonly error?: { readonly code: string; readonly message: string };
  /** What the case observed, when nothing was refused. */
  readonly ok?: any;
}

/** Runs `name` against `endpoint`; throws with the script's output when it crashed (anything but an APIException). */
export async function runFidelityCase(py: HcloudPython, endpoint: string, name: string): Promise<CaseResult> {
  const child = spawn(py.bin, [SCRIPT, name], {
    env: { ...process.env, HCLOUD_ENDPOINT: endpoint, HCLOUD_TOKEN: DUMMY_TOKEN, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const r = await finished(child).finally(() => clearTimeout(timer));
  const out = parseJsonOrUndefined(r.stdout.trim().split('\n').pop() ?? '');
  if (r.code !== 0 || !out) throw new Error(`hcloud-python case ${name}: exit ${r.code ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return out;
}
