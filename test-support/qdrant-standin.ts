/**
 * A STAND-IN for a Qdrant server, NOT Qdrant. No Qdrant server can be
 * installed or run on these machines (no Debian package, no network to fetch
 * a binary), so the tenant_qdrant role is tested against this small HTTP
 * server instead. It implements only the REST calls the role makes and checks
 * each request against the shapes Qdrant publishes in its OpenAPI description:
 *
 *   GET    /                                  -> { title, version, commit }
 *   GET    /healthz, /livez, /readyz          -> 200 text, no key needed (Qdrant's kubernetes probes)
 *   GET    /collections                       -> { result: { collections: [{ name }] }, status, time }
 *   GET    /collections/{name}                -> { result: { status, config: { params: { vectors: { size, distance } } } } } | 404
 *   PUT    /collections/{name}  { vectors: { size, distance } }   -> { result: true } | 409 if it exists
 *   DELETE /collections/{name}                -> { result: true|false }
 *   PUT    /collections/{name}/points { points: [{ id, vector, payload? }] } -> { result: { operation_id, status: "completed" } }
 *   POST   /collections/{name}/points/delete { points: [id] }    -> { result: { operation_id, status: "completed" } }
 *   GET    /collections/{name}/points/{id}   -> { result: { id, vector, payload } } | 404
 *   POST   /collections/{name}/snapshots     -> { result: { name, creation_time, size, checksum } }
 *   GET    /collections/{name}/snapshots     -> { result: [{ name, creation_time, size, checksum }] }
 *   GET    /collections/{name}/snapshots/{snapshot}  -> the snapshot file (application/octet-stream) | 404
 *   DELETE /collections/{name}/snapshots/{snapshot}  -> { result: true } | 404
 *   POST   /collections/{name}/snapshots/upload?priority=&checksum=  multipart/form-data, file field
 *          "snapshot" -> { result: true }: the collection becomes what the snapshot holds (made if missing)
 *
 * A snapshot is named as Qdrant names them (<collection>-<n>-<YYYY-MM-DD-HH-MM-SS>.snapshot) and
 * its checksum is the file's sha256, but the file is the stand-in's own JSON, not Qdrant's tar
 * archive: a snapshot of the stand-in restores into the stand-in only. Snapshots are kept in
 * <snapshotsDir>/<collection>/ (Qdrant's snapshots_path layout), or in memory.
 *
 * Authentication as Qdrant does it: the `api-key` header or
 * `Authorization: Bearer <key>`; with JWT RBAC on (Qdrant >= 1.9) a bearer or
 * api-key value may instead be an HS256 JWT signed with the API key whose
 * `access` claim is "r" | "m" (global) or [{ collection, access: "r" | "rw" }].
 * Creating or deleting a collection needs the API key or global "m".
 *
 * Every request is recorded with any way it deviates from those shapes, so a
 * test can assert that the role sent nothing Qdrant would reject.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';

export type Distance = 'Cosine' | 'Euclid' | 'Dot' | 'Manhattan';
const DISTANCES: readonly string[] = ['Cosine', 'Euclid', 'Dot', 'Manhattan'];
/** Fields Qdrant's CreateCollection accepts at the top level. */
const CREATE_FIELDS = new Set([
  'vectors', 'shard_number', 'sharding_method', 'replication_factor', 'write_consistency_factor', 'on_disk_payload',
  'hnsw_config', 'wal_config', 'optimizers_config', 'init_from', 'quantization_config', 'sparse_vectors', 'strict_mode_config', 'metadata',
]);
/** Fields Qdrant's VectorParams accepts. */
const VECTOR_FIELDS = new Set(['size', 'distance', 'hnsw_config', 'quantization_config', 'on_disk', 'datatype', 'multivector_config']);

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** How the request deviates from Qdrant's REST shapes; empty when it conforms. */
  readonly violations: readonly string[];
  /** "api-key" | "jwt" | "none" | "invalid" */
  readonly auth: string;
}

export interface QdrantStandinOptions {
  /** The server's API key (service.api_key). */
  readonly apiKey: string;
  /** Accept JWTs signed with the API key (service.jwt_rbac). @default false */
  readonly jwtRbac?: boolean;
  /** Reported by GET /. @default 1.12.4 */
  readonly version?: string;
  /** Address to listen on. @default 127.0.0.1 */
  readonly host?: string;
  /** Port to listen on. @default 0 (any free port) */
  readonly port?: number;
  /**
   * A JSON file the collections are kept in (read at start, written after
   * each change), as Qdrant keeps them in its storage_path: they outlive a
   * restart. @default in memory only
   */
  readonly storageFile?: string;
  /** Where collection snapshots are kept (storage.snapshots_path). @default in memory only */
  readonly snapshotsDir?: string;
}

/** A point as the stand-in keeps it. */
export interface StoredPoint {
  readonly vector: number[];
  readonly payload: Record<string, unknown>;
}

/** A collection as the stand-in keeps it: `points` counts `records`. */
export interface StandinCollection {
  size: number;
  distance: Distance;
  points: number;
  records: Record<string, StoredPoint>;
}

/** The stand-in's snapshot file (JSON, not Qdrant's tar archive). */
const SNAPSHOT_FORMAT = 'qdrant-standin-snapshot/1';

export interface QdrantStandin {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Collections as the stand-in holds them. */
  readonly collections: Map<string, StandinCollection>;
  /** Every violation of every request so far. */
  violations(): string[];
  stop(): Promise<void>;
}

type Access = { kind: 'admin' } | { kind: 'global'; access: string } | { kind: 'collections'; rules: { collection: string; access: string }[] };

const b64url = (s: string) => Buffer.from(s, 'base64url');

/** Verifies an HS256 JWT; returns its claims or undefined. */
function verifyJwt(token: string, key: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(b64url(parts[0]).toString('utf8'));
    if (header.alg !== 'HS256') return undefined;
    const want = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
    const got = b64url(parts[2]);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    const claims = JSON.parse(b64url(parts[1]).toString('utf8'));
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a collection name the way Qdrant does (1..255 chars, no path or reserved characters). */
function nameViolations(name: string): string[] {
  if (name.length < 1 || name.length > 255) return [`collection name "${name}" must be 1..255 characters`];
  if (/[<>:"/\\|?*\0]/.test(name)) return [`collection name "${name}" contains a character Qdrant rejects`];
  return [];
}

/** The content of the file field `field` of a multipart/form-data body. */
function multipartFile(body: Buffer, boundary: string, field: string): Buffer | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  for (let at = body.indexOf(delimiter); at >= 0; ) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) return undefined;
    // Each part: CRLF after the delimiter, headers, a blank line, the content, CRLF before the next delimiter.
    const part = body.subarray(at + delimiter.length + 2, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    if (headEnd >= 0 && new RegExp(`name="${field}"`).test(part.subarray(0, headEnd).toString('utf8'))) return part.subarray(headEnd + 4);
    at = next;
  }
  return undefined;
}

export async function startQdrantStandin(opts: QdrantStandinOptions): Promise<QdrantStandin> {
  const requests: RecordedRequest[] = [];
  const collections = new Map<string, StandinCollection>();
  const version = opts.version ?? '1.12.4';
  const { storageFile, snapshotsDir } = opts;
  if (storageFile && fs.existsSync(storageFile)) {
    for (const [name, c] of Object.entries(JSON.parse(fs.readFileSync(storageFile, 'utf8')))) {
      const records = (c as StandinCollection).records ?? {};
      collections.set(name, { ...(c as StandinCollection), records, points: Object.keys(records).length });
    }
  }
  // Snapshots by collection, then name: in snapshotsDir when given.
  const memorySnapshots = new Map<string, Map<string, { data: Buffer; created: string }>>();
  const snapshotFile = (collection: string, name: string) => path.join(snapshotsDir!, collection, name);
  const listSnapshots = (collection: string): { name: string; creation_time: string; size: number; checksum: string }[] => {
    const describe = (name: string, data: Buffer, created: string) => ({ name, creation_time: created, size: data.length, checksum: createHash('sha256').update(data).digest('hex') });
    if (!snapshotsDir) return [...(memorySnapshots.get(collection) ?? new Map()).entries()].map(([n, s]) => describe(n, s.data, s.created));
    const dir = path.join(snapshotsDir, collection);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).filter((n) => n.endsWith('.snapshot')).sort().map((n) => {
      const f = path.join(dir, n);
      return describe(n, fs.readFileSync(f), fs.statSync(f).mtime.toISOString().slice(0, 19));
    });
  };
  const readSnapshot = (collection: string, name: string): Buffer | undefined => {
    if (!snapshotsDir) return memorySnapshots.get(collection)?.get(name)?.data;
    const f = snapshotFile(collection, name);
    return fs.existsSync(f) ? fs.readFileSync(f) : undefined;
  };
  const writeSnapshot = (collection: string, name: string, data: Buffer) => {
    if (!snapshotsDir) {
      const m = memorySnapshots.get(collection) ?? new Map();
      m.set(name, { data, created: new Date().toISOString().slice(0, 19) });
      memorySnapshots.set(collection, m);
      return;
    }
    fs.mkdirSync(path.join(snapshotsDir, collection), { recursive: true });
    fs.writeFileSync(`${snapshotFile(collection, name)}.tmp`, data);
    fs.renameSync(`${snapshotFile(collection, name)}.tmp`, snapshotFile(collection, name));
  };
  const deleteSnapshot = (collection: string, name: string): boolean => {
    if (!snapshotsDir) return memorySnapshots.get(collection)?.delete(name) ?? false;
    if (!fs.existsSync(snapshotFile(collection, name))) return false;
    fs.rmSync(snapshotFile(collection, name));
    return true;
  };
  let snapshotCounter = 0;
  const persist = () => {
    if (!storageFile) return;
    fs.writeFileSync(`${storageFile}.tmp`, JSON.stringify(Object.fromEntries(collections)));
    fs.renameSync(`${storageFile}.tmp`, storageFile);
  };

  const authOf = (req: http.IncomingMessage): { access?: Access; auth: string } => {
    const header = req.headers['api-key'];
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const value = (Array.isArray(header) ? header[0] : header) ?? bearer;
    if (value === undefined) return { auth: 'none' };
    if (safeEqual(value, opts.apiKey)) return { access: { kind: 'admin' }, auth: 'api-key' };
    if (opts.jwtRbac) {
      const claims = verifyJwt(value, opts.apiKey);
      const access = claims?.access;
      if (typeof access === 'string' && ['r', 'm'].includes(access)) return { access: { kind: 'global', access }, auth: 'jwt' };
      if (Array.isArray(access) && access.every((a) => a && typeof a.collection === 'string' && ['r', 'rw'].includes(a.access))) {
        return { access: { kind: 'collections', rules: access }, auth: 'jwt' };
      }
    }
    return { auth: 'invalid' };
  };

  const may = (access: Access, what: 'manage' | 'read' | 'write', collection?: string): boolean => {
    if (access.kind === 'admin') return true;
    if (access.kind === 'global') return access.access === 'm' || what === 'read';
    if (what === 'manage' || collection === undefined) return false;
    const rule = access.rules.find((r) => r.collection === collection);
    return rule !== undefined && (what === 'read' || rule.access === 'rw');
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const started = process.hrtime.bigint();
      const violations: string[] = [];
      const url = new URL(req.url ?? '/', 'http://standin');
      const method = req.method ?? 'GET';
      const time = () => Number(process.hrtime.bigint() - started) / 1e9;
      const send = (status: number, payload: unknown) => {
        requests.push({ method, path: url.pathname, status, violations, auth });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const ok = (result: unknown) => send(200, { result, status: 'ok', time: time() });
      const fail = (status: number, error: string) => send(status, { status: { error }, time: time() });

      const sendFile = (data: Buffer) => {
        requests.push({ method, path: url.pathname, status: 200, violations, auth });
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
        res.end(data);
      };
      // /collections/{name}/snapshots[/{snapshot}|/upload]
      function snapshots(parts: string[], name: string, existing: StandinCollection | undefined, access: Access): void {
        const missing = () => fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
        if (parts.length === 3 && method === 'POST') {
          if (!may(access, 'manage')) return fail(403, 'Forbidden: global access is required');
          if (!existing) return missing();
          const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
          const snapshot = `${name}-${process.pid}${++snapshotCounter}-${stamp}.snapshot`;
          const { size, distance, records } = existing;
          writeSnapshot(name, snapshot, Buffer.from(JSON.stringify({ format: SNAPSHOT_FORMAT, collection: name, size, distance, records })));
          return ok(listSnapshots(name).find((d) => d.name === snapshot));
        }
        if (parts.length === 3 && method === 'GET') {
          if (!may(access, 'read', name)) return fail(403, `Forbidden: access to collection ${name} is not allowed`);
          if (!existing) return missing();
          return ok(listSnapshots(name));
        }
        if (parts.length === 4 && parts[3] === 'upload' && method === 'POST') {
          if (!may(access, 'manage')) return fail(403, 'Forbidden: global access is required');
          const priority = url.searchParams.get('priority');
          if (priority !== null && !['no_sync', 'snapshot', 'replica'].includes(priority)) violations.push(`recover snapshot: priority must be no_sync, snapshot or replica, got "${priority}"`);
          const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(String(req.headers['content-type'] ?? ''));
          if (!boundary) violations.push('recover snapshot: the body must be multipart/form-data');
          const file = boundary ? multipartFile(raw, boundary[1] ?? boundary[2], 'snapshot') : undefined;
          if (boundary && !file) violations.push('recover snapshot: no file in the form field "snapshot"');
          if (violations.length) return fail(400, `Bad request: ${violations.join('; ')}`);
          const want = url.searchParams.get('checksum');
          const got = createHash('sha256').update(file!).digest('hex');
          if (want !== null && want !== got) return fail(400, `Bad request: Snapshot checksum mismatch: expected ${want}, got ${got}`);
          let snap: any;
          try {
            snap = JSON.parse(file!.toString('utf8'));
          } catch {
            snap = undefined;
          }
          if (snap?.format !== SNAPSHOT_FORMAT) return fail(400, 'Bad request: the file is not a snapshot of the Qdrant stand-in (the stand-in cannot read Qdrant\'s own snapshots)');
          const records: Record<string, StoredPoint> = snap.records ?? {};
          collections.set(name, { size: snap.size, distance: snap.distance, records, points: Object.keys(records).length });
          persist();
          return ok(true);
        }
        if (parts.length === 4 && method === 'GET') {
          if (!may(access, 'read', name)) return fail(403, `Forbidden: access to collection ${name} is not allowed`);
          const data = readSnapshot(name, parts[3]);
          return data ? sendFile(data) : fail(404, `Not found: Snapshot ${parts[3]} not found`);
        }
        if (parts.length === 4 && method === 'DELETE') {
          if (!may(access, 'manage')) return fail(403, 'Forbidden: global access is required');
          return deleteSnapshot(name, parts[3]) ? ok(true) : fail(404, `Not found: Snapshot ${parts[3]} not found`);
        }
        violations.push(`${method} ${url.pathname} is not a route the stand-in knows`);
        return fail(404, 'Not found');
      }

      if (method === 'GET' && ['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
        requests.push({ method, path: url.pathname, status: 200, violations, auth: 'none' });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`${url.pathname.slice(1)} check passed`);
        return;
      }
      const { access, auth } = authOf(req);
      if (!access) {
        if (auth === 'none') violations.push('no api-key header or Authorization bearer token');
        requests.push({ method, path: url.pathname, status: auth === 'none' ? 401 : 403, violations, auth });
        res.writeHead(auth === 'none' ? 401 : 403, { 'content-type': 'text/plain' });
        res.end(auth === 'none' ? 'Must provide an API key or an Authorization bearer token' : 'Invalid API key or JWT');
        return;
      }

      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      // Creating a snapshot takes no body; recovering one takes a multipart upload; the rest take JSON.
      const snapshotRoute = parts[0] === 'collections' && parts[2] === 'snapshots';
      let json: any;
      if ((method === 'PUT' || method === 'POST') && !snapshotRoute) {
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) violations.push(`${method} ${url.pathname} without Content-Type: application/json`);
        try {
          json = JSON.parse(body);
        } catch {
          violations.push(`${method} ${url.pathname} body is not JSON`);
          return fail(400, 'Format error in JSON body: expected value');
        }
      }

      if (parts.length === 0 && method === 'GET') return send(200, { title: 'qdrant - vector search engine', version, commit: 'standin' });
      if (parts[0] !== 'collections') {
        violations.push(`${method} ${url.pathname} is not a route the stand-in knows`);
        return fail(404, 'Not found');
      }
      if (parts.length === 1 && method === 'GET') {
        const names = [...collections.keys()].filter((n) => may(access, 'read', n));
        return ok({ collections: names.map((name) => ({ name })) });
      }
      const name = parts[1];
      violations.push(...nameViolations(name));
      const existing = collections.get(name);

      if (parts.length === 2) {
        if (method === 'GET') {
          if (!may(access, 'read', name)) return fail(403, `Forbidden: access to collection ${name} is not allowed`);
          if (!existing) return fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
          return ok({
            status: 'green',
            optimizer_status: 'ok',
            indexed_vectors_count: 0,
            points_count: existing.points,
            segments_count: 1,
            config: {
              params: { vectors: { size: existing.size, distance: existing.distance }, shard_number: 1, replication_factor: 1, write_consistency_factor: 1, on_disk_payload: true },
              hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
              optimizer_config: { deleted_threshold: 0.2, vacuum_min_vector_number: 1000, default_segment_number: 0, flush_interval_sec: 5 },
              wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
              quantization_config: null,
            },
            payload_schema: {},
          });
        }
        if (method === 'PUT') {
          if (!may(access, 'manage')) return fail(403, 'Forbidden: global access is required');
          if (typeof json !== 'object' || json === null || Array.isArray(json)) {
            violations.push('create collection: body must be an object');
            return fail(422, 'Format error in JSON body: expected a map');
          }
          for (const k of Object.keys(json)) if (!CREATE_FIELDS.has(k)) violations.push(`create collection: unknown field "${k}"`);
          const v = json.vectors;
          if (typeof v !== 'object' || v === null || Array.isArray(v)) violations.push('create collection: "vectors" must be an object { size, distance }');
          else {
            for (const k of Object.keys(v)) if (!VECTOR_FIELDS.has(k)) violations.push(`create collection: unknown vectors field "${k}"`);
            if (!Number.isInteger(v.size) || v.size < 1) violations.push(`create collection: vectors.size must be a positive integer, got ${JSON.stringify(v.size)}`);
            if (!DISTANCES.includes(v.distance)) violations.push(`create collection: vectors.distance must be one of ${DISTANCES.join(', ')}, got ${JSON.stringify(v.distance)}`);
          }
          if (violations.length) return fail(422, `Validation error in JSON body: ${violations.join('; ')}`);
          if (existing) return fail(409, `Wrong input: Collection \`${name}\` already exists!`);
          collections.set(name, { size: v.size, distance: v.distance, points: 0, records: {} });
          persist();
          return ok(true);
        }
        if (method === 'DELETE') {
          if (!may(access, 'manage')) return fail(403, 'Forbidden: global access is required');
          const deleted = collections.delete(name);
          persist();
          return ok(deleted);
        }
      }
      if (parts.length === 3 && parts[2] === 'points' && method === 'PUT') {
        if (!may(access, 'write', name)) return fail(403, `Forbidden: write access to collection ${name} is not allowed`);
        if (!existing) return fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
        const points = json?.points;
        if (!Array.isArray(points)) {
          violations.push('upsert points: "points" must be a list');
          return fail(422, 'Validation error in JSON body: points');
        }
        for (const p of points) {
          if (!Array.isArray(p?.vector) || p.vector.length !== existing.size) {
            return fail(400, `Wrong input: Vector dimension error: expected dim: ${existing.size}, got ${Array.isArray(p?.vector) ? p.vector.length : 0}`);
          }
        }
        for (const p of points) {
          if (!(typeof p.id === 'number' && Number.isInteger(p.id) && p.id >= 0) && !(typeof p.id === 'string' && /^[0-9a-f-]{36}$/i.test(p.id))) {
            violations.push(`upsert points: id must be an unsigned integer or a UUID, got ${JSON.stringify(p.id)}`);
            return fail(422, 'Validation error in JSON body: id');
          }
          existing.records[String(p.id)] = { vector: p.vector, payload: p.payload ?? {} };
        }
        existing.points = Object.keys(existing.records).length;
        persist();
        return ok({ operation_id: requests.length, status: 'completed' });
      }
      if (parts.length === 4 && parts[2] === 'points' && parts[3] === 'delete' && method === 'POST') {
        if (!may(access, 'write', name)) return fail(403, `Forbidden: write access to collection ${name} is not allowed`);
        if (!existing) return fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
        if (!Array.isArray(json?.points)) {
          violations.push('delete points: "points" must be a list of ids (a filter is not implemented by the stand-in)');
          return fail(422, 'Validation error in JSON body: points');
        }
        for (const id of json.points) delete existing.records[String(id)];
        existing.points = Object.keys(existing.records).length;
        persist();
        return ok({ operation_id: requests.length, status: 'completed' });
      }
      if (parts.length === 4 && parts[2] === 'points' && method === 'GET') {
        if (!may(access, 'read', name)) return fail(403, `Forbidden: access to collection ${name} is not allowed`);
        if (!existing) return fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
        const point = existing.records[parts[3]];
        if (!point) return fail(404, `Not found: No point with id ${parts[3]} found`);
        return ok({ id: /^\d+$/.test(parts[3]) ? Number(parts[3]) : parts[3], payload: point.payload, vector: point.vector });
      }
      if (snapshotRoute) return snapshots(parts, name, existing, access);
      violations.push(`${method} ${url.pathname} is not a route the stand-in knows`);
      return fail(404, 'Not found');
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests,
    collections,
    violations: () => requests.flatMap((r) => r.violations.map((v) => `${r.method} ${r.path}: ${v}`)),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
