import { ReportingErrorCode } from '../reporting.errors';
import {
  BeforeApplicationShutdown,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { DataSource } from 'typeorm';
import { SERVICE_ENV } from '@chanjiao/config';
import type { ReportingEnv } from '../config';

/** What `GET /reports/stream` sends on a change of an institution's figures (of any of several: their sum). */
export interface ReportChange {
  /** The institution; for several, their codes joined with commas (and `institutions` lists them). */
  institution: string;
  institutions?: string[];
  /** Time of the newest event applied, as in every report's `asOf`. */
  asOf: string | null;
  /** Events applied for the institution(s) so far (summed): a dashboard refetches when it grows. */
  eventsApplied: number;
}

/** How often the streamed institutions' freshness is read, while any stream is open; also the shortest gap between two events. */
export const POLL_MS = 250;
/** A comment this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** A stream ends after this long; the client reconnects (its key checked again: a revoked key's stream does not outlive it by more). */
export const STREAM_LIFETIME_MS = 10 * 60_000;
/** How soon an EventSource reconnects after a stream ends. */
const RECONNECT_MS = 1000;
/** What a client over its key's stream cap is asked to wait: a dashboard's tab closed meanwhile frees a slot. */
export const STREAMS_RETRY_AFTER_SECONDS = 30;

interface OpenStream {
  institutions: readonly string[];
  res: ServerResponse;
  lastSent: number;
  close: () => void;
}

/**
 * Server-sent change events for dashboards. While streams are open, this instance reads the freshness of their
 * institutions every {@link POLL_MS} (one indexed query for all of them) and sends each stream its institution's state
 * when more events were applied, by any reporting instance. Polling, rather than a NOTIFY from the projection's
 * commit: it costs the commit nothing (PostgreSQL serializes the commits of notifying transactions), and a database
 * that was away is simply read again.
 */
@Injectable()
export class ReportStream implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ReportStream');
  private readonly streams = new Set<OpenStream>();
  /** Open streams (and ones being opened) per key id: at most `REPORT_STREAMS_PER_KEY` each, on this instance. */
  private readonly perKey = new Map<string, number>();
  private readonly perKeyMax: number;
  private poller?: NodeJS.Timeout;
  private polling = false;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_ENV) env: Pick<ReportingEnv, 'REPORT_STREAMS_PER_KEY'>,
  ) {
    this.perKeyMax = env.REPORT_STREAMS_PER_KEY;
  }

  /**
   * Answers `GET /reports/stream` on `reply`: the institution's state at once, then each change, as `change` events,
   * until the client hangs up, the stream's lifetime ends or the service stops. A key with `REPORT_STREAMS_PER_KEY`
   * streams open is answered 429 `too_many_streams` (each stream holds a socket and timers; 3,000 from one key were
   * accepted before).
   */
  async serve(reply: FastifyReply, institutions: readonly string[], keyId: string): Promise<void> {
    if (this.closed) throw stopping();
    // The slot is taken before the first await, so requests arriving together cannot all pass the count.
    const open = this.perKey.get(keyId) ?? 0;
    if (open >= this.perKeyMax) {
      void reply.header('retry-after', String(STREAMS_RETRY_AFTER_SECONDS));
      throw tooManyStreams(this.perKeyMax);
    }
    this.perKey.set(keyId, open + 1);
    let opened = false;
    try {
      opened = await this.open(reply, institutions, keyId);
    } finally {
      if (!opened) this.release(keyId);
    }
  }

  private release(keyId: string): void {
    const left = (this.perKey.get(keyId) ?? 1) - 1;
    if (left > 0) this.perKey.set(keyId, left);
    else this.perKey.delete(keyId);
  }

  /** Opens the stream; false if it was not (the client hung up meanwhile), true once its close will free the key's slot. */
  private async open(reply: FastifyReply, institutions: readonly string[], keyId: string): Promise<boolean> {
    const res = reply.raw;
    const now = changeOf(institutions, await this.read(institutions));
    // The service may have begun to stop, or the client hung up, while the state was read.
    if (this.closed) throw stopping();
    if (res.destroyed) return false;
    reply.hijack();
    res.writeHead(
      200,
      Object.assign({}, reply.getHeaders() as Record<string, string>, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
        // The connection ends with the stream: an idle keep-alive socket left behind would hold the server's close.
        connection: 'close',
      }),
    );
    res.write(`retry: ${RECONNECT_MS}\n\n`);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const lifetime = setTimeout(() => stream.close(), STREAM_LIFETIME_MS);
    const stream: OpenStream = {
      institutions,
      res,
      lastSent: -1,
      // Torn down however it ends: the client hanging up, its lifetime, or the service stopping.
      close: () => {
        if (!this.streams.delete(stream)) return; // closed already (the service stopping, then the socket's close)
        this.release(keyId);
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        if (this.streams.size === 0) this.stopPolling();
        res.end();
      },
    };
    this.streams.add(stream);
    res.once('close', stream.close);
    this.send(stream, now);
    this.startPolling();
    return true;
  }

  beforeApplicationShutdown(): void {
    this.closed = true;
    // An open response would hold the HTTP server's close, which Nest runs after this hook.
    for (const stream of [...this.streams]) stream.close();
  }

  private send(stream: OpenStream, change: ReportChange): void {
    if (change.eventsApplied <= stream.lastSent || stream.res.writableEnded) return; // what a client sees only grows
    stream.lastSent = change.eventsApplied;
    stream.res.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`);
  }

  private startPolling(): void {
    this.poller ??= setInterval(() => void this.poll(), POLL_MS);
  }

  private stopPolling(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return; // a slow read is not overtaken by the next
    this.polling = true;
    try {
      const states = await this.read([...new Set([...this.streams].flatMap((s) => s.institutions))]);
      // A change of any of a stream's institutions is a change of the stream (their applied counts only grow).
      for (const stream of [...this.streams]) this.send(stream, changeOf(stream.institutions, states));
    } catch (e) {
      // The next poll reads again; the streams stay open.
      this.logger.warn(`cannot read report changes: ${(e as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  private async read(institutions: readonly string[]): Promise<ReportChange[]> {
    if (institutions.length === 0) return [];
    const rows = await this.dataSource.query<Array<{ institution: string; last_event_time: Date | null; events_applied: string }>>(
      `SELECT institution, last_event_time, events_applied::text AS events_applied FROM freshness WHERE institution = ANY($1::text[])`,
      [institutions],
    );
    return rows.map((r) => ({
      institution: r.institution,
      asOf: r.last_event_time?.toISOString() ?? null,
      eventsApplied: Number(r.events_applied),
    }));
  }
}

/** The state of `institutions` (summed over several) from each one's: none applied yet counts 0. */
function changeOf(institutions: readonly string[], states: readonly ReportChange[]): ReportChange {
  const of = states.filter((c) => institutions.includes(c.institution));
  const asOf = of.reduce<string | null>((newest, c) => (c.asOf !== null && (newest === null || c.asOf > newest) ? c.asOf : newest), null);
  return Object.assign({ institution: institutions.join(',') }, institutions.length === 1 ? {} : { institutions: [...institutions] }, {
    asOf,
    eventsApplied: of.reduce((n, c) => n + c.eventsApplied, 0),
  });
}

const tooManyStreams = (max: number) =>
  new HttpException(
    {
      error: ReportingErrorCode.TooManyStreams,
      message: `此密钥已打开 ${max} 个报表推送流（REPORT_STREAMS_PER_KEY），请关闭一个后重试 / this key has ${max} report streams open (REPORT_STREAMS_PER_KEY); close one and retry after ${STREAMS_RETRY_AFTER_SECONDS} s`,
    },
    HttpStatus.TOO_MANY_REQUESTS,
  );

const stopping = () =>
  new ServiceUnavailableException({ error: ReportingErrorCode.Stopping, message: 'the service is stopping; connect again' });
