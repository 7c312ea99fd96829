/**
 * A minimal client for tests that set up or inspect the local API over HTTP
 * (the same requests a real client would make).
 */
import { DUMMY_TOKEN } from '../lib/hetzner';

export interface CallResult {
  readonly status: number;
  readonly body: any;
}

export async function call(baseUrl: string, method: string, path: string, body?: unknown, token = DUMMY_TOKEN): Promise<CallResult> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Like call(), but throws unless the status is 2xx; returns the body. */
export async function ok(baseUrl: string, method: string, path: string, body?: unknown): Promise<any> {
  const r = await call(baseUrl, method, path, body);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
