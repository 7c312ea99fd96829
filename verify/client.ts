/**
 * The thin HTTP shell: a Hetzner Cloud API client with pagination and retries
 * (429 and 5xx, with backoff), pointed at api.hetzner.cloud or the local API.
 * It never waits forever and never takes a malformed answer for an empty one:
 * a request that gets no answer within the timeout, an answer that is not the
 * JSON object asked for, or a list that keeps announcing a next page is an
 * error, so the verifier says "could not verify" instead of passing.
 */

export interface ClientOptions {
  /** e.g. https://api.hetzner.cloud/v1 or http://127.0.0.1:4000/v1 */
  readonly endpoint: string;
  readonly token: string;
  /** Retries of a call answered 429 or 5xx, or refused by the network. @default 5 */
  readonly retries?: number;
  /** First backoff in ms, doubled on each retry. @default 250 */
  readonly backoffMs?: number;
  /** Time a request (answer and body) may take; a request that times out is not retried. @default 30000 */
  readonly timeoutMs?: number;
  /** Pages one list may have at most (50 items each); more is an error. @default 200 */
  readonly maxPages?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_PAGES = 200;

export class HcloudApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly path: string) {
    super(`${path}: ${status} ${code}: ${message}`);
    this.name = 'HcloudApiError';
  }
}

// By name: fetch's DOMException may come from another realm (jest), where `instanceof Error` is false.
const isTimeout = (e: unknown) => ['TimeoutError', 'AbortError'].includes((e as { name?: string } | null)?.name ?? '');

export class HcloudClient {
  /** Number of HTTP requests made (for the report). */
  requests = 0;

  constructor(private readonly opts: ClientOptions) {}

  /** The JSON object at `path`; an empty or non-JSON answer is an error. */
  async get(path: string): Promise<Record<string, any>> {
    const url = `${this.opts.endpoint.replace(/\/+$/, '')}${path}`;
    const retries = this.opts.retries ?? 5;
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      this.requests++;
      let status: number;
      let text: string;
      try {
        const res = await fetch(url, {
          headers: { Authorization: `Bearer ${this.opts.token}`, 'User-Agent': 'hetzner-tenants-verify' },
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = res.status;
        text = await res.text();
      } catch (e) {
        if (isTimeout(e)) throw new Error(`${url}: no answer within ${timeoutMs / 1000} s`);
        if (attempt < retries) {
          await this.sleep(attempt);
          continue;
        }
        throw new Error(`${url}: ${(e as Error).message}`);
      }
      if (status >= 200 && status < 300) return parseObject(text, url);
      let code = 'unknown_error';
      let message = text.slice(0, 200);
      try {
        const body = JSON.parse(text);
        code = body?.error?.code ?? code;
        message = body?.error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      if ((status === 429 || status >= 500) && attempt < retries) {
        await this.sleep(attempt);
        continue;
      }
      throw new HcloudApiError(status, code, message, path);
    }
  }

  /** `body[key]` of `path`, which must be an object (`GET /servers/1` -> `server`). */
  async getOne(path: string, key: string): Promise<any> {
    const body = await this.get(path);
    const item = body[key];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error(`${this.where(path)}: the answer has no "${key}" object`);
    return item;
  }

  /** Every item of a list endpoint, following `meta.pagination.next_page` up to `maxPages` pages. */
  async list(path: string, key: string, params: Record<string, string> = {}): Promise<any[]> {
    const maxPages = this.opts.maxPages ?? DEFAULT_MAX_PAGES;
    const out: any[] = [];
    let page = 1;
    for (let pages = 1; ; pages++) {
      const q = new URLSearchParams({ ...params, page: String(page), per_page: '50' });
      const body = await this.get(`${path}?${q}`);
      const items = body[key];
      if (!Array.isArray(items)) {
        throw new Error(`${this.where(path)}: the answer has no "${key}" list (${key}: ${JSON.stringify(items) ?? 'absent'})`);
      }
      out.push(...items);
      const next = body.meta?.pagination?.next_page;
      if (next === null || next === undefined) return out;
      if (typeof next !== 'number' || next <= page) throw new Error(`${this.where(path)}: page ${page} announces next_page ${JSON.stringify(next)}, which does not advance`);
      if (pages >= maxPages) throw new Error(`${this.where(path)}: still a next page after ${maxPages} pages; giving up`);
      page = next;
    }
  }

  private where(path: string): string {
    return `${this.opts.endpoint.replace(/\/+$/, '')}${path}`;
  }

  private sleep(attempt: number): Promise<void> {
    return new Promise((r) => setTimeout(r, (this.opts.backoffMs ?? 250) * 2 ** attempt));
  }
}

function parseObject(text: string, url: string): Record<string, any> {
  if (text.trim() === '') throw new Error(`${url}: empty answer`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url}: the answer is not JSON: ${text.slice(0, 80)}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error(`${url}: the answer is not a JSON object: ${text.slice(0, 80)}`);
  return body as Record<string, any>;
}
