/**
 * The thin HTTP shell: a Hetzner Cloud API client with pagination and retries
 * (429 and 5xx, with backoff), pointed at api.hetzner.cloud or the local API.
 */

export interface ClientOptions {
  /** e.g. https://api.hetzner.cloud/v1 or http://127.0.0.1:4000/v1 */
  readonly endpoint: string;
  readonly token: string;
  /** Retries of a call answered 429 or 5xx. @default 5 */
  readonly retries?: number;
  /** First backoff in ms, doubled on each retry. @default 250 */
  readonly backoffMs?: number;
}

export class HcloudApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly path: string) {
    super(`${path}: ${status} ${code}: ${message}`);
    this.name = 'HcloudApiError';
  }
}

export class HcloudClient {
  /** Number of HTTP requests made (for the report). */
  requests = 0;

  constructor(private readonly opts: ClientOptions) {}

  async get(path: string): Promise<any> {
    const url = `${this.opts.endpoint.replace(/\/+$/, '')}${path}`;
    const retries = this.opts.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      this.requests++;
      let res: Response;
      try {
        res = await fetch(url, { headers: { Authorization: `Bearer ${this.opts.token}`, 'User-Agent': 'hetzner-tenants-verify' } });
      } catch (e) {
        if (attempt < retries) {
          await this.sleep(attempt);
          continue;
        }
        throw new Error(`${url}: ${(e as Error).message}`);
      }
      const text = await res.text();
      if (res.ok) return text ? JSON.parse(text) : {};
      let code = 'unknown_error';
      let message = text.slice(0, 200);
      try {
        const body = JSON.parse(text);
        code = body?.error?.code ?? code;
        message = body?.error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      if ((res.status === 429 || res.status >= 500) && attempt < retries) {
        await this.sleep(attempt);
        continue;
      }
      throw new HcloudApiError(res.status, code, message, path);
    }
  }

  /** Every item of a list endpoint, following `meta.pagination.next_page`. */
  async list(path: string, key: string, params: Record<string, string> = {}): Promise<any[]> {
    const out: any[] = [];
    let page: number | null = 1;
    while (page) {
      const q = new URLSearchParams({ ...params, page: String(page), per_page: '50' });
      const body = await this.get(`${path}?${q}`);
      out.push(...(body[key] ?? []));
      page = body.meta?.pagination?.next_page ?? null;
    }
    return out;
  }

  private sleep(attempt: number): Promise<void> {
    return new Promise((r) => setTimeout(r, (this.opts.backoffMs ?? 250) * 2 ** attempt));
  }
}
