/**
 * A throwaway PostgreSQL 15 server for integration tests: initdb in a
 * temporary directory, password (scram-sha-256) authentication everywhere,
 * listening on 127.0.0.1 and any extra addresses (for example the host side of
 * a test network namespace) on a free port. `stop()` shuts it down and removes
 * the directory.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { freePort, run, RunResult, runOk, tempDir, toolsEnv, waitFor, which } from './ansible-proc';

export interface PostgresOptions {
  /** Addresses to listen on besides 127.0.0.1. @default none */
  readonly extraListen?: readonly string[];
  /** OS user that runs the server when the tests run as root. @default postgres */
  readonly osUser?: string;
}

export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Superuser created by initdb. */
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly dataDir: string;
  readonly hbaFile: string;
  /** Every address the server listens on. */
  readonly listen: readonly string[];
  stop(): Promise<void>;
}

export interface PsqlOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly sql: string;
  /** Run the client inside this network namespace. @default the host's */
  readonly netns?: string;
}

function binDir(): string {
  const env = toolsEnv();
  const initdb = which('initdb', env);
  if (!initdb) throw new Error('initdb not found: install PostgreSQL 15 (scripts/install-tools.sh) and `. scripts/tools-env.sh`');
  return path.dirname(initdb);
}

/** Starts a fresh server; throws with the server log when it does not come up. */
export async function startPostgres(opts: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = binDir();
  const base = tempDir('tp-postgres');
  // The server runs as an unprivileged user: it must reach the directory.
  fs.chmodSync(base, 0o755);
  const dataDir = path.join(base, 'data');
  const sockDir = path.join(base, 'sock');
  const logFile = path.join(base, 'server.log');
  const pwFile = path.join(base, 'pw');
  const adminPassword = randomBytes(18).toString('hex');
  const asRoot = process.getuid?.() === 0;
  const osUser = opts.osUser ?? 'postgres';
  fs.mkdirSync(sockDir);
  fs.writeFileSync(pwFile, adminPassword, { mode: 0o600 });
  fs.writeFileSync(logFile, '');
  if (asRoot) {
    await runOk('chown', [osUser, sockDir, pwFile, logFile]);
  }
  const as = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', osUser, '--', cmd, ...args]] : [cmd, args]);

  const [c1, a1] = as(path.join(bin, 'initdb'), [
    '-D', dataDir, '-U', 'postgres', `--pwfile=${pwFile}`, '--auth-local=scram-sha-256', '--auth-host=scram-sha-256',
    '--encoding=UTF8', '--locale=C', '--no-sync',
  ]);
  if (asRoot) {
    fs.mkdirSync(dataDir, { mode: 0o700 });
    await runOk('chown', [osUser, dataDir]);
  }
  await runOk(c1, a1);
  fs.rmSync(pwFile);

  const port = await freePort();
  const listen = ['127.0.0.1', ...(opts.extraListen ?? [])];
  const settings = [
    `listen_addresses='${listen.join(',')}'`,
    `port=${port}`,
    `unix_socket_directories='${sockDir}'`,
    `password_encryption='scram-sha-256'`,
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
    'max_connections=50',
    'shared_buffers=32MB',
  ];
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), `\n# test harness\n${settings.join('\n')}\n`);
  const [c2, a2] = as(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
  const started = await run(c2, a2, { timeoutMs: 90_000 });
  if (started.code !== 0) {
    const log = fs.readFileSync(logFile, 'utf8');
    fs.rmSync(base, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${started.stderr}\n${log}`);
  }
  const server: PostgresServer = {
    host: '127.0.0.1',
    port,
    adminUser: 'postgres',
    adminPassword,
    dataDir,
    hbaFile: path.join(dataDir, 'pg_hba.conf'),
    listen,
    async stop() {
      const [c3, a3] = as(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      await run(c3, a3, { timeoutMs: 60_000 });
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
  await waitFor('PostgreSQL to accept connections', async () =>
    (await psql({ host: '127.0.0.1', port, user: 'postgres', password: adminPassword, database: 'postgres', sql: 'SELECT 1' })).code === 0,
  );
  return server;
}

/**
 * Runs one SQL statement with psql (the password goes through the
 * environment, never the command line). Returns psql's result unchanged.
 */
export function psql(o: PsqlOptions): Promise<RunResult> {
  const env = { ...toolsEnv(), PGPASSWORD: o.password, PGCONNECT_TIMEOUT: '5', PGSSLMODE: 'disable' };
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', o.host, '-p', String(o.port), '-U', o.user, '-d', o.database, '-c', o.sql];
  return o.netns ? run('ip', ['netns', 'exec', o.netns, 'psql', ...args], { env, timeoutMs: 20_000 }) : run('psql', args, { env, timeoutMs: 20_000 });
}

/** Runs SQL as the superuser over 127.0.0.1 and returns its trimmed output; throws on error. */
export async function adminQuery(pg: PostgresServer, sql: string, database = 'postgres'): Promise<string> {
  const r = await psql({ host: pg.host, port: pg.port, user: pg.adminUser, password: pg.adminPassword, database, sql });
  if (r.code !== 0) throw new Error(`admin query failed (${sql}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}
