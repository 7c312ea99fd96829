/**
 * The local Hetzner Cloud API: an HTTP server on 127.0.0.1 that speaks
 * `/v1/...` like api.hetzner.cloud, for the real hcloud provider (via
 * HCLOUD_ENDPOINT) and the hetzner.hcloud Ansible inventory.
 *
 *   const api = await startHcloudApi({ stateFile: '/tmp/x/state.json' });
 *   // HCLOUD_ENDPOINT=api.url HCLOUD_TOKEN=<64 chars> tofu apply
 *   await api.stop();
 *
 * Each request is atomic: a request that fails leaves the state as it was.
 * Unknown routes answer 404 with the path and are logged and kept in
 * `unknownRoutes`, so a gap in the implementation shows at once.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { registerActions } from './actions';
import { ApiError, injectedError } from './errors';
import { FaultRule, Faults } from './faults';
import { registerCatalog } from './resources/catalog';
import { registerFirewalls } from './resources/firewalls';
import { registerNetworks } from './resources/networks';
import { registerPlacementGroups } from './resources/placement-groups';
import { registerPrimaryIps } from './resources/primary-ips';
import { registerServers } from './resources/servers';
import { registerSshKeys } from './resources/ssh-keys';
import { registerStorageBoxSubaccounts } from './resources/storage-box-subaccounts';
import { registerStorageBoxes } from './resources/storage-boxes';
import { registerVolumes } from './resources/volumes';
import { registerZones } from './resources/zones';
import { MachineLayer, MachineOptions } from './machines/machine-layer';
import { Router } from './router';
import { ApiState, Store } from './state';

export interface HcloudApiOptions {
  /** Port on 127.0.0.1. @default - a free port chosen by the OS */
  readonly port?: number;
  /** JSON file the state is loaded from at start and written to after every change. @default - in memory only */
  readonly stateFile?: string;
  /** The only bearer token accepted. @default - any non-empty token */
  readonly token?: string;
  /** Reads of an action that report `running` before `success`. @default 0 */
  readonly actionPolls?: number;
  /** Seed of the fault RNG. @default 1 */
  readonly seed?: number;
  /** Fault rules active from the start (more can be added through `faults`). */
  readonly faults?: readonly FaultRule[];
  /** Delay added to every answer, in milliseconds, to model a remote API. @default 0 */
  readonly latencyMs?: number;
  /** Where unknown routes and internal errors are reported. @default - stderr */
  readonly log?: (line: string) => void;
  /** Called after every answered request (tracing, benchmarks). */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Boot real servers (systemd-nspawn), networks, firewalls and volumes for
   * the records (local-cloud/machines; needs root and `npm run tools`).
   * @default - records only, no machines
   */
  readonly machines?: MachineOptions;
}

export interface RequestLogEntry {
  readonly method: string;
  /** Path below /v1, without the query. */
  readonly path: string;
  readonly query: string;
  readonly status: number;
  /** The route that answered, e.g. `POST /servers/{id}/actions/{action}`; undefined for unknown routes. */
  readonly route?: string;
}

export interface HcloudApi {
  /** Base URL to put in HCLOUD_ENDPOINT, e.g. `http://127.0.0.1:41234/v1`. */
  readonly url: string;
  readonly port: number;
  /** The live project state (read it in assertions; mutate it to set up broken projects). */
  readonly state: ApiState;
  readonly store: Store;
  readonly faults: Faults;
  /** Every request answered, in order. */
  readonly requests: RequestLogEntry[];
  /** `METHOD /path` of every request no route matched. */
  readonly unknownRoutes: string[];
  /** Every implemented `METHOD /pattern`. */
  routes(): string[];
  /** The machine layer, when started with `machines`. */
  readonly machines?: MachineLayer;
  /**
   * Changes the state out of band, as an operator does once per project (the
   * platform's Storage Box with the id the platform file names), then brings
   * the machines along; a change that fails is rolled back like a request.
   */
  seed(change: (store: Store) => void): Promise<void>;
  /** Saves the state file (when configured) and closes the server and its connections; with machines, removes every machine, namespace and disk. */
  stop(): Promise<void>;
}

export function buildRouter(): Router {
  const router = new Router();
  registerActions(router);
  registerCatalog(router);
  registerServers(router);
  registerNetworks(router);
  registerFirewalls(router);
  registerVolumes(router);
  registerPrimaryIps(router);
  registerSshKeys(router);
  registerPlacementGroups(router);
  registerZones(router);
  registerStorageBoxes(router);
  registerStorageBoxSubaccounts(router);
  return router;
}

const RATE_LIMIT = 3600;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startHcloudApi(opts: HcloudApiOptions = {}): Promise<HcloudApi> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[hcloud-api] ${line}\n`));
  const machines = opts.machines ? await MachineLayer.start({ log, ...opts.machines }) : undefined;
  const store = new Store({ stateFile: opts.stateFile, actionPolls: opts.actionPolls ?? 0, publicAddress: machines && ((t, n) => machines.publicAddress(t, n)) });
  if (machines) {
    try {
      await machines.apply({ state: store.state });
    } catch (e) {
      await machines.stop();
      throw e;
    }
  }
  // With machines, changes are applied one at a time: a request's machine work ends before the next change starts.
  let tail: Promise<void> = Promise.resolve();
  const exclusive = (): Promise<() => void> => {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const before = tail;
    tail = before.then(() => mine);
    return before.then(() => release);
  };
  const faults = new Faults(opts.seed ?? 1);
  for (const f of opts.faults ?? []) faults.add(f);
  const router = buildRouter();
  const requests: RequestLogEntry[] = [];
  // HCLOUD_API_TRACE=<file>: append every answered request to that file (debugging aid).
  const traceFile = process.env.HCLOUD_API_TRACE;
  const unknownRoutes: string[] = [];
  let remaining = RATE_LIMIT;
  let port = 0;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fullPath = url.pathname.replace(/\/+$/, '') || '/';
    const path = fullPath.startsWith('/v1/') ? fullPath.slice(3) : fullPath === '/v1' ? '/' : fullPath;
    let status = 200;
    let body: unknown;
    let route: string | undefined;
    const raw = await readBody(req);
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    try {
      if (!fullPath.startsWith('/v1/')) throw new ApiError('not_found', `no route for ${method} ${fullPath}: the API lives under /v1`);
      const auth = req.headers.authorization ?? '';
      const token = /^Bearer (.+)$/.exec(auth)?.[1];
      if (!token || (opts.token !== undefined && token !== opts.token)) throw new ApiError('unauthorized', 'unable to authenticate');
      let parsed: any = {};
      if (raw.trim() !== '') {
        try {
          parsed = JSON.parse(raw);
        } catch (e) {
          throw new ApiError('json_error', `invalid JSON in request body: ${(e as Error).message}`);
        }
      }
      const fault = faults.decide(method, path);
      if (fault?.when === 'before') throw injectedError(fault.status);
      const match = router.match(method, path);
      if (!match) {
        unknownRoutes.push(`${method} ${path}`);
        log(`UNKNOWN ROUTE ${method} ${fullPath}${url.search} -> 404 (not implemented by the local API)`);
        throw new ApiError('not_found', `no route for ${method} ${fullPath} in the local Hetzner Cloud API`);
      }
      route = `${method} ${match.pattern}`;
      const mutating = method !== 'GET';
      const release = mutating && machines ? await exclusive() : undefined;
      try {
        const snapshot = mutating ? structuredClone(store.state) : undefined;
        try {
          const out = match.handler({ method, path, params: match.params, query: url.searchParams, body: parsed ?? {}, store });
          status = out.status;
          body = out.body;
          if (mutating && machines) await machines.apply({ route, params: match.params, body: parsed ?? {}, state: store.state });
        } catch (e) {
          if (snapshot) {
            store.reset(snapshot);
            // The machine layer may have made part of the change: bring the host back to the restored state.
            if (machines) await machines.apply({ state: store.state }).catch((x) => log(`machines: restoring after a failed change: ${(x as Error).message}`));
          }
          throw e;
        }
        if (mutating || path.includes('actions')) store.save();
      } finally {
        release?.();
      }
      if (fault?.when === 'after') throw injectedError(fault.status);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('server_error', `local API bug: ${(e as Error).message}`, {}, 500);
      if (!(e instanceof ApiError)) log(`INTERNAL ERROR ${method} ${fullPath}: ${(e as Error).stack}`);
      status = err.status;
      body = err.toBody();
    }
    remaining = status === 429 ? 0 : Math.max(1, remaining - 1);
    const entry: RequestLogEntry = { method, path, query: url.search, status, route };
    requests.push(entry);
    opts.onRequest?.(entry);
    if (traceFile) fs.appendFileSync(traceFile, `${new Date().toISOString().slice(11, 23)} :${port} ${status} ${method} ${path}${url.search}\n`);
    res.setHeader('RateLimit-Limit', String(RATE_LIMIT));
    res.setHeader('RateLimit-Remaining', String(remaining));
    res.setHeader('RateLimit-Reset', String(Math.floor(Date.now() / 1000) + 1));
    if (status === 429) remaining = RATE_LIMIT;
    if (status === 204 || body === undefined) {
      res.writeHead(status === 200 ? 204 : status);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      log(`INTERNAL ERROR: ${(e as Error).stack}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    get state() {
      return store.state;
    },
    store,
    faults,
    requests,
    unknownRoutes,
    routes: () => router.list(),
    machines,
    seed: async (change) => {
      const release = await exclusive();
      const snapshot = structuredClone(store.state);
      try {
        change(store);
        await machines?.apply({ state: store.state });
        store.save();
      } catch (e) {
        store.reset(snapshot);
        if (machines) await machines.apply({ state: store.state }).catch((x) => log(`machines: restoring after a failed seed: ${(x as Error).message}`));
        throw e;
      } finally {
        release();
      }
    },
    stop: async () => {
      store.save();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await machines?.stop();
    },
  };
}
