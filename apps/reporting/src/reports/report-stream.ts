import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Client } from 'pg';

/** The channel a projection commit notifies with what it changed (see ProjectionTransaction.commit). */
export const REPORTS_CHANGED_CHANNEL = 'chanjiao_reports_changed';

/** What `GET /reports/stream` sends on a change of an institution's figures. */
export interface ReportChange {
  institution: string;
  /** Time of the newest event applied, as in every report's `asOf`. */
  asOf: string | null;
  /** Events applied for the institution so far: a dashboard refetches when it grows. */
  eventsApplied: number;
}

type Listener = (change: ReportChange) => void;

/** The shortest time between two `change` events of one stream: a burst of commits becomes one event. */
const MIN_GAP_MS = 250;
/** A comment this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Fans the projection commits' notifications out to the report streams of this instance. The commits notify through
 * PostgreSQL, so a stream hears of every change, whichever reporting instance applied it. One LISTEN connection per
 * instance, opened with the first stream and kept, reconnected after a loss (changes meanwhile are not replayed: a
 * stream's client refetches on reconnecting, as it does on every change).
 */
@Injectable()
export class ReportStream implements BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger('ReportStream');
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Ends each open stream: run when the service stops, as an open response would hold the HTTP server's close. */
  private readonly closers = new Set<() => void>();
  private client?: Client;
  private connecting?: Promise<void>;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly databaseUrl: string) {}

  /**
   * Answers `GET /reports/stream` on `reply`: `current()` (the institution's state now) at once, then each change, as
   * server-sent `change` events, until the client hangs up or the service stops.
   */
  async serve(reply: FastifyReply, institution: string, current: () => Promise<ReportChange>): Promise<void> {
    const res = reply.raw;
    let lastSent = -1;
    let lastWrite = 0;
    let pending: ReportChange | undefined;
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      if (!pending) return;
      lastSent = pending.eventsApplied;
      lastWrite = Date.now();
      res.write(`event: change\ndata: ${JSON.stringify(pending)}\n\n`);
      pending = undefined;
    };
    // A change older than one sent or waiting is dropped: what a client sees only grows.
    const push = (change: ReportChange) => {
      if (change.eventsApplied <= lastSent || (pending && change.eventsApplied <= pending.eventsApplied)) return;
      pending = change;
      timer ??= setTimeout(flush, Math.max(0, lastWrite + MIN_GAP_MS - Date.now()));
    };
    // Subscribed before the current state is read: a change committed in between is not missed.
    const unsubscribe = await this.subscribe(institution, push).catch((e: Error) => {
      throw new ServiceUnavailableException({ error: 'stream_unavailable', message: `cannot follow changes now: ${e.message}` });
    });
    let now: ReportChange;
    try {
      now = await current();
    } catch (e) {
      unsubscribe();
      throw e;
    }
    reply.hijack();
    const headers = Object.assign({}, reply.getHeaders() as Record<string, string>, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    res.writeHead(200, headers);
    push(now);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    // Torn down however it ends: the client hanging up, or the service stopping.
    const close = () => {
      this.closers.delete(close);
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(timer);
      res.end();
    };
    this.closers.add(close);
    res.once('close', close);
  }

  /** Calls `listener` on each change of `institution`'s figures until the returned function is called. */
  async subscribe(institution: string, listener: Listener): Promise<() => void> {
    await this.listen();
    let set = this.listeners.get(institution);
    if (!set) this.listeners.set(institution, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(institution);
    };
  }

  beforeApplicationShutdown(): void {
    this.closed = true;
    for (const close of [...this.closers]) close();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Parses a notification: the changed institutions' freshness rows, as the commit's `json_agg` wrote them. */
  static changesOf(payload: string): ReportChange[] {
    const rows = JSON.parse(payload) as Array<{ institution: string; asOf: string | null; eventsApplied: number | string }>;
    return rows.map((r) => ({
      institution: r.institution,
      asOf: r.asOf === null ? null : new Date(r.asOf).toISOString(),
      eventsApplied: Number(r.eventsApplied),
    }));
  }

  private listen(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'reporting-stream-listen' });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      if (!this.closed) this.retry = setTimeout(() => void this.listen().catch(() => undefined), 1000);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => this.deliver(n.payload ?? '[]'));
    await client.connect();
    await client.query(`LISTEN ${REPORTS_CHANGED_CHANNEL}`);
    this.client = client;
  }

  private deliver(payload: string): void {
    let changes: ReportChange[];
    try {
      changes = ReportStream.changesOf(payload);
    } catch (e) {
      this.logger.warn(`a report change could not be read (${(e as Error).message}): ${payload.slice(0, 200)}`);
      return;
    }
    for (const change of changes) for (const listener of this.listeners.get(change.institution) ?? []) listener(change);
  }
}
