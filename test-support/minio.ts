/**
 * A throwaway MinIO server for integration tests: `minio server` on a free
 * port of 127.0.0.1 with a temporary data directory and random root
 * credentials; `stop()` ends it and removes the directory. `mc()` runs the
 * MinIO client against it with credentials passed through MC_HOST_<alias>
 * (never written to an mc config file, never on the command line).
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { freePort, run, RunResult, tempDir, toolsEnv, waitFor, which } from './ansible-proc';

export interface MinioServer {
  readonly endpoint: string;
  readonly rootUser: string;
  readonly rootPassword: string;
  stop(): Promise<void>;
}

export interface MinioCredentials {
  readonly accessKey: string;
  readonly secretKey: string;
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

export async function startMinio(): Promise<MinioServer> {
  const env = toolsEnv();
  const bin = which('minio', env);
  if (!bin) throw new Error('minio not found: run scripts/install-tools.sh and `. scripts/tools-env.sh`');
  const base = tempDir('tp-minio');
  const port = await freePort();
  const consolePort = await freePort();
  const rootUser = `root${randomBytes(4).toString('hex')}`;
  const rootPassword = randomBytes(20).toString('hex');
  const log = fs.openSync(path.join(base, 'server.log'), 'w');
  const child: ChildProcess = spawn(
    bin,
    ['server', '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, path.join(base, 'data')],
    {
      env: { ...env, HOME: base, MINIO_ROOT_USER: rootUser, MINIO_ROOT_PASSWORD: rootPassword, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off', MINIO_CI_CD: '1' },
      stdio: ['ignore', log, log],
    },
  );
  let exited = false;
  child.on('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitFor('MinIO to come up', async () => {
      if (exited) throw new Error('minio exited');
      return (await get(`${endpoint}/minio/health/live`)) === 200;
    }, 60_000);
  } catch (e) {
    child.kill('SIGKILL');
    const text = fs.readFileSync(path.join(base, 'server.log'), 'utf8');
    fs.rmSync(base, { recursive: true, force: true });
    throw new Error(`MinIO did not start: ${(e as Error).message}\n${text}`);
  }
  return {
    endpoint,
    rootUser,
    rootPassword,
    async stop() {
      if (!exited) {
        const done = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await done;
        clearTimeout(timer);
      }
      fs.closeSync(log);
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** The MC_HOST_<alias> value for an endpoint and credentials. */
export function mcHost(endpoint: string, c: MinioCredentials): string {
  const u = new URL(endpoint);
  u.username = encodeURIComponent(c.accessKey);
  u.password = encodeURIComponent(c.secretKey);
  return u.toString().replace(/\/$/, '');
}

/**
 * Runs `mc --json <args>` with alias `t` bound to the endpoint and
 * credentials; `configDir` keeps mc's own files out of HOME.
 */
export function mc(endpoint: string, c: MinioCredentials, args: readonly string[], configDir: string, input?: string): Promise<RunResult> {
  const env = { ...toolsEnv(), MC_HOST_t: mcHost(endpoint, c), MC_CONFIG_DIR: configDir, MC_NO_COLOR: '1' };
  return run('mc', ['--json', '--no-color', ...args], { env, input, timeoutMs: 60_000 });
}
