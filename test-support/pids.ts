/** Process ids for tests of pid-based locks: one of a process that is alive, one of a process that has exited. */
import { spawn, spawnSync, type ChildProcess } from 'child_process';

const sleepers: ChildProcess[] = [];

/** The pid of a `sleep` that lives until killLivePids(): a live process that is not a synth. */
export function livePid(): number {
  const c = spawn('sleep', ['600'], { stdio: 'ignore' });
  sleepers.push(c);
  return c.pid!;
}

/** Kills every process livePid() started; call in afterEach. */
export function killLivePids(): void {
  for (const c of sleepers.splice(0)) c.kill('SIGKILL');
}

/** The pid of a process that has exited. */
export function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
}
