import { ApiError, authHeaders, url } from './api';

export interface Change {
  institution: string;
  asOf: string | null;
  eventsApplied: number;
}

export interface StreamHandlers {
  onChange(change: Change): void;
  onState(live: boolean): void;
  /** The key was refused (401/403): the stream stops. */
  onRefused(error: ApiError): void;
}

const RECONNECT_MS = 3000;

/**
 * Reads GET /reports/stream with `fetch` (EventSource cannot send the Authorization header): parses the server-sent
 * events as they arrive and reconnects when the stream ends (the server ends it every 10 minutes) or fails, until
 * stopped. Returns the function that stops it.
 */
export function followChanges(key: string, institution: string, handlers: StreamHandlers): () => void {
  const abort = new AbortController();
  let wait = RECONNECT_MS;
  const loop = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch(url('/reports/stream', { institution }), {
          headers: Object.assign(authHeaders(key), { accept: 'text/event-stream' }),
          signal: abort.signal,
          cache: 'no-store',
        });
        if (res.status === 401 || res.status === 403) {
          const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
          handlers.onRefused(new ApiError(res.status, body.error ?? 'forbidden', body.message ?? res.statusText));
          return;
        }
        // Too many streams of this key (other tabs): wait as asked.
        if (res.status === 429) wait = Math.max(RECONNECT_MS, Number(res.headers.get('retry-after') ?? 0) * 1000);
        if (res.ok && res.body) {
          handlers.onState(true);
          await readEvents(res.body, abort.signal, (event, data) => {
            if (event === 'change') handlers.onChange(JSON.parse(data) as Change);
          });
        }
      } catch (e) {
        if (abort.signal.aborted) return;
        // A dropped connection: reconnect below.
        void e;
      }
      handlers.onState(false);
      await sleep(wait, abort.signal);
      wait = RECONNECT_MS;
    }
  };
  void loop();
  return () => abort.abort();
}

/** Calls `onEvent` for each event of a text/event-stream body (comments and `retry:` lines are skipped). */
export async function readEvents(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  onEvent: (event: string, data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0) onEvent(event, data.join('\n'));
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
