/**
 * Read-only GETs against the Hetzner Cloud API (or HCLOUD_ENDPOINT): one
 * request, or every page of a list. Errors carry Hetzner's error code and
 * message; a request that does not answer in time is aborted.
 */

export const DEFAULT_ENDPOINT = 'https://api.hetzner.cloud/v1';
/** Hetzner's largest page. */
const MAX_PER_PAGE = 50;
/** A list longer than this many pages is a broken endpoint, not a catalogue. */
const MAX_PAGES = 100;

export interface GetOptions {
  /** @default fetch */
  readonly fetchImpl?: typeof fetch;
  /** Abort a request after this many milliseconds. @default 30000 */
  readonly timeoutMs?: number;
}

/** GET <endpoint><path> with the token; throws with Hetzner's error code and message on failure. */
export async function hcloudGet<T>(endpoint: string, pathAndQuery: string, token: string, options: GetOptions = {}): Promise<T> {
  const url = `${endpoint.replace(/\/+$/, '')}${pathAndQuery}`;
  const res = await (options.fetchImpl ?? fetch)(url, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 200);
    try {
      const e = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (e.error) detail = `${e.error.code}: ${e.error.message}`;
    } catch { /* not JSON: keep the text */ }
    throw new Error(`GET ${url} failed with HTTP ${res.status} (${detail})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`GET ${url} did not return JSON`);
  }
}

interface Page { readonly meta?: { readonly pagination?: { readonly next_page?: number | null } } }

/** Every item of a paginated list (`key` is the list's field, e.g. "server_types"), following next_page. */
export async function hcloudGetAll<T>(
  endpoint: string,
  path: string,
  key: string,
  token: string,
  options: GetOptions & { readonly perPage?: number; readonly query?: string } = {},
): Promise<T[]> {
  const items: T[] = [];
  const perPage = Math.min(options.perPage ?? MAX_PER_PAGE, MAX_PER_PAGE);
  for (let page: number | null | undefined = 1, n = 0; page; n++) {
    if (n === MAX_PAGES) throw new Error(`GET ${path}: more than ${MAX_PAGES} pages; giving up`);
    const body: Page & Record<string, unknown> = await hcloudGet(endpoint, `${path}?page=${page}&per_page=${perPage}${options.query ? `&${options.query}` : ''}`, token, options);
    const list = body[key];
    if (!Array.isArray(list)) throw new Error(`GET ${path}: the answer has no "${key}" list`);
    items.push(...(list as T[]));
    page = body.meta?.pagination?.next_page;
  }
  return items;
}
