/**
 * The read API on the page's own origin, with the reader key in the `Authorization` header (never in a URL). The key
 * lives in sessionStorage: it is gone when the tab closes, and no other tab or site sees it.
 */
const KEY_ITEM = 'chanjiao.dashboard.key';
const INSTITUTION_ITEM = 'chanjiao.dashboard.institution';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY_ITEM),
  institution: (): string => sessionStorage.getItem(INSTITUTION_ITEM) ?? '',
  save(key: string, institution: string): void {
    sessionStorage.setItem(KEY_ITEM, key);
    sessionStorage.setItem(INSTITUTION_ITEM, institution);
  },
  clear(): void {
    sessionStorage.removeItem(KEY_ITEM);
    sessionStorage.removeItem(INSTITUTION_ITEM);
  },
};

/** A refusal of the API: its status, and its message (Chinese / English, as the API writes them). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | undefined>;

export function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function authHeaders(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** GET a report with the key; an answer other than 2xx is thrown as an {@link ApiError}. */
export async function request(key: string, path: string, query: Query = {}, signal?: AbortSignal): Promise<Response> {
  const res = await fetch(url(path, query), { headers: authHeaders(key), signal, cache: 'no-store' });
  if (res.ok) return res;
  const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  throw new ApiError(res.status, body.error ?? 'error', body.message ?? `${res.status} ${res.statusText}`);
}

export async function getJson<T>(key: string, path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return (await (await request(key, path, query, signal)).json()) as T;
}

/** The file name a download's Content-Disposition gives (its UTF-8 `filename*` first), or the fallback. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const star = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (star) return decodeURIComponent(star);
  return disposition?.match(/filename="?([^";]+)"?/i)?.[1] ?? fallback;
}

/** Fetches a file with the key and hands it to the browser as a download (a blob: the key stays out of any URL). */
export async function download(key: string, path: string, query: Query, fallback: string): Promise<void> {
  const res = await request(key, path, query);
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = fileNameOf(res.headers.get('content-disposition'), fallback);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
