export interface HttpResult<T = any> {
  status: number;
  body: T;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
}

/** A small JSON client for tests: real HTTP against a listening service. */
export function httpClient(baseUrl: string, key?: string) {
  const call = async <T = any>(method: string, path: string, body?: unknown, raw?: string): Promise<HttpResult<T>> => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: Object.fromEntries(res.headers) };
  };
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body?: unknown) => call<T>('POST', path, body),
    put: <T = any>(path: string, body?: unknown) => call<T>('PUT', path, body),
    raw: <T = any>(method: string, path: string, raw: string) => call<T>(method, path, undefined, raw),
  };
}
export type HttpClient = ReturnType<typeof httpClient>;

/**
 * Every item of a paged list (`{ items, nextCursor }`), following `nextCursor` from the first page; fails on a
 * non-200 page. `path` may carry its own query (`/internships?studentId=S1`).
 */
export async function allPages<T = any>(client: HttpClient, path: string, limit?: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query = [limit === undefined ? '' : `limit=${limit}`, cursor ? `cursor=${cursor}` : ''].filter((q) => q !== '').join('&');
    const res: HttpResult<{ items: T[]; nextCursor: string | null }> = await client.get(
      query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path,
    );
    if (res.status !== 200) throw new Error(`GET ${path} page ${pages + 1}: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor !== null);
  return { items, pages };
}
