import { sendTogether, PgClient } from './send-together';

interface Queued {
  sql: string;
  params: unknown[];
  resolve: (rows: unknown) => void;
  reject: (e: unknown) => void;
}

export interface StatementsTogetherOptions {
  /** The statement that opens the transaction; it goes with the first statements sent. */
  begin: string;
  /**
   * Statements that may not share a text, sent alone in their turn through this (e.g. TypeORM's query, whose
   * answers callers expect); by default every statement may.
   */
  alone?: { test: (sql: string) => boolean; send: (sql: string, params: unknown[]) => Promise<unknown> };
}

/**
 * One transaction's statements in as few round trips as its caller allows (each round trip waits 1–2.5 ms on a
 * busy 2-core box): statements asked for in the same tick (a `Promise.all`) go in one pipeline (`sendTogether`), the transaction
 * opens with the first of them, and `commit` sends the caller's last statements with COMMIT. A failure in a
 * pipeline aborts the rest of it (and the transaction): every statement in it fails.
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
      this.queue.push({ sql, params, resolve, reject });
      this.sending ??= this.send();
    });
  }

  /**
   * Waits for statements still on the wire (a failed Promise.all leaves its siblings running), then sends
   * `statements` and COMMIT in one round trip and returns each statement's rows; sends nothing (and returns
   * undefined) when the transaction has not begun and there is nothing to write. Takes no statement after.
   */
  async commit(statements: Array<[string, unknown[]]> = []): Promise<unknown[][] | undefined> {
    await this.settle();
    if (!this.begun && statements.length === 0) return undefined;
    const opening = this.opening();
    const rows = await sendTogether(this.client, [...opening, ...statements, ['COMMIT', []]]);
    this.begun = false;
    return rows.slice(opening.length, opening.length + statements.length);
  }

  async rollback(): Promise<void> {
    await this.settle();
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
    return [[this.options.begin, []]];
  }

  private async send(): Promise<void> {
    // Statements asked for in the same tick join this round trip.
    await Promise.resolve();
    const alone = this.options.alone;
    try {
      while (this.queue.length > 0) {
        if (alone?.test(this.queue[0]!.sql)) {
          const q = this.queue.shift()!;
          try {
            if (this.opening().length > 0) await this.client.query(this.options.begin);
            q.resolve(await alone.send(q.sql, q.params));
          } catch (e) {
            q.reject(e);
          }
          continue;
        }
        const batch: Queued[] = [];
        while (this.queue.length > 0 && !alone?.test(this.queue[0]!.sql)) batch.push(this.queue.shift()!);
        const opening = this.opening();
        try {
          const rows = await sendTogether(this.client, [...opening, ...batch.map((q) => [q.sql, q.params] as [string, unknown[]])]);
          batch.forEach((q, i) => q.resolve(rows[opening.length + i]));
        } catch (e) {
          for (const q of batch) q.reject(e);
        }
      }
    } finally {
      this.sending = undefined;
    }
  }
}
