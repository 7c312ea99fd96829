/**
 * Runs a probe plan (the thin shell): probes from inside a server go to the
 * prober over one SSH session per server; probes from outside sources run the
 * prober in the outside network namespace (the local cloud's outside world,
 * where any public address can be a source). Servers are probed in parallel.
 */
import { spawn } from 'child_process';
import type { Outcome } from '../../isolation/probe/judge';
import type { Probe } from '../../isolation/probe/plan';
import { PROBER_PY } from './prober-script';
import { ssh } from './ssh';

export interface ProbeRunOptions {
  /** The private key the control node logs in to servers with. */
  readonly sshKeyFile: string;
  /** Network namespace to send outside-source probes from. @default - such probes are not run */
  readonly outsideNetns?: string;
  /** How long a probe waits for an answer, in seconds. @default 2 */
  readonly timeoutS?: number;
  /**
   * The users to log in as, tried in this order while the server refuses the
   * key (a server hardened by the baseline role admits only its deploy user,
   * a new one only root). @default ['root']
   */
  readonly sshUsers?: readonly string[];
}

type Wire = { id: string; protocol: string; address: string; port?: number; source?: string };

const toWire = (p: Probe): Wire => ({
  id: p.id,
  protocol: p.protocol,
  address: p.address,
  ...(p.port !== undefined ? { port: p.port } : {}),
  ...(p.from.type === 'outside' ? { source: p.from.address } : {}),
});

function parseOutcomes(stdout: string): Record<string, string> | undefined {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    return undefined;
  }
}

function outcome(text: string): Outcome {
  return text === 'open' || text === 'refused' || text === 'timeout' || text === 'unreachable' ? text : { error: text.replace(/^error: /, '') };
}

function runLocal(netns: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', netns, 'python3', '-', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => resolve({ code: 127, stdout, stderr: e.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(PROBER_PY);
  });
}

export async function runProbes(probes: readonly Probe[], opts: ProbeRunOptions): Promise<Map<string, Outcome>> {
  const timeout = String(opts.timeoutS ?? 2);
  const out = new Map<string, Outcome>();
  const groups = new Map<string, Probe[]>();
  for (const p of probes) {
    const key = p.from.type === 'server' ? `server ${p.from.sshHost} ${p.from.server}` : 'outside';
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const record = (group: readonly Probe[], code: number, stdout: string, stderr: string, where: string) => {
    const parsed = code === 0 ? parseOutcomes(stdout) : undefined;
    for (const p of group) out.set(p.id, parsed?.[p.id] ? outcome(parsed[p.id]) : { error: `${where}: ${(stderr.trim() || `exit ${code}`).split('\n').slice(-1)[0]}` });
  };
  await Promise.all(
    [...groups].map(async ([key, group]) => {
      const payload = Buffer.from(JSON.stringify(group.map(toWire))).toString('base64');
      if (key === 'outside') {
        if (!opts.outsideNetns) {
          for (const p of group) out.set(p.id, { error: 'no outside source (PROBE_OUTSIDE_NETNS is not set)' });
          return;
        }
        const r = await runLocal(opts.outsideNetns, [payload, timeout]);
        record(group, r.code, r.stdout, r.stderr, `outside namespace ${opts.outsideNetns}`);
        return;
      }
      const from = group[0].from as Extract<Probe['from'], { type: 'server' }>;
      let r = { code: 255, stdout: '', stderr: 'no SSH user to log in as' };
      for (const user of opts.sshUsers ?? ['root']) {
        r = await ssh({ host: from.sshHost, keyFile: opts.sshKeyFile, jump: from.via, user }, `python3 - ${payload} ${timeout}`, PROBER_PY, 120_000);
        if (!(r.code === 255 && /Permission denied/.test(r.stderr))) break;
      }
      record(group, r.code, r.stdout, r.stderr, `ssh ${from.server} (${from.sshHost}${from.via ? ` via ${from.via}` : ''})`);
    }),
  );
  return out;
}
