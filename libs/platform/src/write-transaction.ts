import { sendTogether, SqlTextClient } from '@chanjiao/persistence';

/** Statements whose answer is rows, which can share a round trip with START TRANSACTION and each other. */
const READS = /^\s*(SELECT|WITH)\b/i;

interface Queued {
  sql: string;
  params: unknown[];
  resolve: (rows: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * The statements of one write transaction in as few round trips as its work allows (each waits 1–2.5 ms on a
 * busy 2-core box, and a single write made six): START TRANSACTION goes with the first reads, reads asked for
 * together (a `Promise.all`) go together, and the caller's last statements go with COMMIT. Other statements go
 * one by one through `query` (TypeORM's, whose answers the repositories expect), in the order asked.
 */
export class WriteTransaction {
  private begun = false;
  private queue: Queued[] = [];
  private flushing?: Promise<void>;

  constructor(
    private readonly client: SqlTextClient,
    private readonly send: (sql: string, params: unknown[]) => Promise<unknown>,
  ) {}

  query(sql: string, params: unknown[] = []): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ sql, params, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /**
   * Sends `statements` and COMMIT in one round trip and returns each statement's rows; commits nothing (and
   * returns nothing) when the transaction has not begun and there is nothing to write.
   */
  async commit(statements: Array<[string, unknown[]]>): Promise<unknown[][] | undefined> {
    while (this.flushing) await this.flushing;
    if (!this.begun && statements.length === 0) return undefined;
    const opening = this.opening();
    const rows = await sendTogether(this.client, [...opening, ...statements, ['COMMIT', []]]);
    this.begun = false;
    return rows.slice(opening.length, opening.length + statements.length);
  }

  async rollback(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.begun) return;
    this.begun = false;
    await this.client.query('ROLLBACK').catch(() => undefined);
  }

  private opening(): Array<[string, unknown[]]> {
    if (this.begun) return [];
    this.begun = true;
    return [['START TRANSACTION', []]];
  }

  private async flush(): Promise<void> {
    // Statements asked for in the same tick join this round trip.
    await Promise.resolve();
    try {
      while (this.queue.length > 0) {
        const reads: Queued[] = [];
        while (this.queue.length > 0 && READS.test(this.queue[0]!.sql)) reads.push(this.queue.shift()!);
        if (reads.length > 0) {
          const opening = this.opening();
          try {
            const rows = await sendTogether(this.client, [...opening, ...reads.map((q) => [q.sql, q.params] as [string, unknown[]])]);
            reads.forEach((q, i) => q.resolve(rows[opening.length + i]));
          } catch (e) {
            // The first failure aborts the rest of the text (and the transaction): every read in it fails.
            for (const q of reads) q.reject(e);
          }
          continue;
        }
        const q = this.queue.shift()!;
        try {
          if (!this.begun) {
            this.begun = true;
            await this.client.query('START TRANSACTION');
          }
          q.resolve(await this.send(q.sql, q.params));
        } catch (e) {
          q.reject(e);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
