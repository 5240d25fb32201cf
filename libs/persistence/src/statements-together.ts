import { sendTogether, PgClient } from './send-together';

interface Queued {
  sql: string;
  params: unknown[];
  /** Answered at once; sent with the next statements that are waited for (see `deferred`). */
  deferred: boolean;
  resolve: (rows: unknown) => void;
  reject: (e: unknown) => void;
}

export interface StatementsTogetherOptions {
  /** The statement that opens the transaction; it goes with the first statements sent. */
  begin: string;
  /** Settings for the transaction (`SET LOCAL ...`), sent right after `begin`. */
  settings?: ReadonlyArray<[string, unknown[]]>;
  /**
   * Statements that may not share a text, sent alone in their turn through this (e.g. TypeORM's query, whose
   * answers callers expect); by default every statement may.
   */
  alone?: { test: (sql: string) => boolean; send: (sql: string, params: unknown[]) => Promise<unknown> };
  /**
   * Statements whose answer is no rows (e.g. an INSERT without RETURNING): answered at once with no rows, and sent, in
   * their place, with the next statements that are waited for, at the latest with COMMIT. A write that fails then
   * fails those statements (or the commit), and so the transaction.
   */
  deferred?: (sql: string) => boolean;
}

/**
 * One transaction's statements in as few round trips as its caller allows (each round trip waits 1–2.5 ms on a
 * busy 2-core box): statements asked for in the same tick (a `Promise.all`) go in one pipeline (`sendTogether`), the transaction
 * opens with the first of them, writes wait for the next of them (`deferred`), and `commit` sends the caller's last
 * statements with COMMIT. A failure in a pipeline aborts the rest of it (and the transaction): every statement in it fails.
 */
export class StatementsTogether {
  private begun = false;
  private ended = false;
  private queue: Queued[] = [];
  private sending?: Promise<void>;

  constructor(
    private readonly client: PgClient,
    private readonly options: StatementsTogetherOptions,
  ) {}

  query(sql: string, params: unknown[] = []): Promise<unknown> {
    if (this.ended) return Promise.reject(new Error('query after its transaction ended'));
    return new Promise((resolve, reject) => {
      const deferred = this.options.deferred?.(sql) ?? false;
      this.queue.push({ sql, params, deferred, resolve, reject });
      if (deferred) resolve([]);
      else this.sending ??= this.send();
    });
  }

  /**
   * Waits for statements still on the wire (a failed Promise.all leaves its siblings running), then sends the writes
   * still waiting, `statements` and COMMIT in one round trip and returns each of `statements`' rows; sends nothing (and
   * returns undefined) when the transaction has not begun and there is nothing to write. Takes no statement after.
   */
  async commit(statements: Array<[string, unknown[]]> = []): Promise<unknown[][] | undefined> {
    await this.settle();
    const waiting = this.queue.splice(0).map((q): [string, unknown[]] => [q.sql, q.params]);
    if (!this.begun && waiting.length === 0 && statements.length === 0) return undefined;
    const opening = this.opening();
    const before = opening.length + waiting.length;
    const rows = await sendTogether(this.client, [...opening, ...waiting, ...statements, ['COMMIT', []]]);
    this.begun = false;
    return rows.slice(before, before + statements.length);
  }

  async rollback(): Promise<void> {
    await this.settle();
    this.queue = [];
    if (!this.begun) return;
    this.begun = false;
    await this.client.query('ROLLBACK').catch(() => undefined);
  }

  private async settle(): Promise<void> {
    while (this.sending) await this.sending;
    this.ended = true;
  }

  private opening(): Array<[string, unknown[]]> {
    if (this.begun) return [];
    this.begun = true;
    return [[this.options.begin, []], ...(this.options.settings ?? [])];
  }

  private isAlone(q: Queued): boolean {
    return !q.deferred && (this.options.alone?.test(q.sql) ?? false);
  }

  private async send(): Promise<void> {
    // Statements asked for in the same tick join this round trip.
    await Promise.resolve();
    try {
      // Writes at the end of the queue wait for the next statement that is waited for, or for COMMIT.
      while (this.queue.some((q) => !q.deferred)) {
        const alone = this.queue.findIndex((q) => this.isAlone(q));
        if (alone === 0) {
          const q = this.queue.shift()!;
          try {
            const opening = this.opening();
            if (opening.length > 0) await sendTogether(this.client, opening);
            q.resolve(await this.options.alone!.send(q.sql, q.params));
          } catch (e) {
            q.reject(e);
          }
          continue;
        }
        // Up to the next statement sent alone; the writes before it go now, so that it sees them.
        const batch = this.queue.splice(0, alone < 0 ? this.queue.length : alone);
        const waited = batch.filter((q) => !q.deferred);
        const opening = this.opening();
        try {
          const rows = await sendTogether(this.client, [...opening, ...batch.map((q) => [q.sql, q.params] as [string, unknown[]])]);
          batch.forEach((q, i) => q.resolve(rows[opening.length + i]));
        } catch (e) {
          // The transaction is aborted: what was sent fails, and so does the statement sent alone after it.
          for (const q of waited) q.reject(e);
          if (alone > 0) this.queue.shift()!.reject(e);
        }
      }
    } finally {
      this.sending = undefined;
    }
  }
}
