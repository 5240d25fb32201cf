import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CloudEvent } from '@chanjiao/contracts';
import { appendToOutbox, OUTBOX_NOTIFY_CHANNEL, OutboxRelay, OutboxRow } from '@chanjiao/messaging';
import { isWorthRunningAgain, KEYED_TRANSACTION_SETTINGS, PgClient, StatementsTogether } from '@chanjiao/persistence';

/** Statements whose answer is rows, which can share a round trip; others go through TypeORM, in their turn. */
const READS = /^\s*(SELECT|WITH)\b/i;
/** Writes whose answer is no rows: they wait for the next read, or for COMMIT, and go with it. */
const INSERT_NO_ROWS = (sql: string) => /^\s*INSERT\b/i.test(sql) && !/\bRETURNING\b/i.test(sql);

/**
 * A write and the events it announces commit together (transactional outbox), or not at all.
 * Work returns its events; they are appended to the outbox in the same transaction.
 */
@Injectable()
export class WriteUnitOfWork {
  /** The transaction of an enclosing {@link atomically} call (a file import), if any. */
  private readonly ambient = new AsyncLocalStorage<EntityManager>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<{ result: T; events: CloudEvent[] }>): Promise<T> {
    const outer = this.ambient.getStore();
    if (outer) {
      const { result, events } = await work(outer);
      // The enclosing transaction kicks the relay (with no rows: it scans) once it commits.
      for (const [sql, params] of this.withNotice(appendToOutbox(events).statements)) await outer.query(sql, params);
      return result;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const { result, outboxRows } = await this.transaction(work);
        if (outboxRows.length > 0) this.relay.kick(outboxRows);
        return result;
      } catch (e) {
        // Two writers raced for the same new id: run again, the loser now sees the winner's row. Or a migration
        // changed what a prepared statement returns: run again, it is parsed anew.
        if (attempt < 3 && isWorthRunningAgain(e, { uniqueViolation: true })) continue;
        throw e;
      }
    }
  }

  /**
   * One transaction in few round trips (StatementsTogether): START TRANSACTION goes with the first reads, reads
   * asked for together go together, the entity INSERTs wait for the next read or for COMMIT (their failure, e.g. a
   * lost race for a new id, fails the commit and the transaction is run again), and the outbox rows (and a NOTIFY,
   * when no local relay runs) go with COMMIT, so a write is acknowledged only with its outbox rows committed. A
   * single write made six round trips; it makes two.
   */
  private async transaction<T>(
    work: (manager: EntityManager) => Promise<{ result: T; events: CloudEvent[] }>,
  ): Promise<{ result: T; outboxRows: OutboxRow[] }> {
    const runner = this.dataSource.createQueryRunner();
    // This runner's own manager (made for it): the work's queries all go through the transaction.
    const manager = runner.manager;
    const typeorm = manager.query.bind(manager);
    const tx = new StatementsTogether((await runner.connect()) as PgClient, {
      begin: 'START TRANSACTION',
      // Every statement of a write finds its rows by key.
      settings: KEYED_TRANSACTION_SETTINGS,
      alone: { test: (sql) => !READS.test(sql), send: (sql, params) => typeorm(sql, params) },
      deferred: INSERT_NO_ROWS,
    });
    manager.query = ((sql: string, params?: unknown[]) => tx.query(sql, params)) as EntityManager['query'];
    try {
      const { result, events } = await work(manager);
      const outbox = appendToOutbox(events);
      const answers = await tx.commit(this.withNotice(outbox.statements));
      const outboxRows = outbox.rows((answers ?? []).slice(0, outbox.statements.length) as Array<Array<{ id: string; event_id: string }>>);
      return { result, outboxRows };
    } catch (e) {
      await tx.rollback();
      throw e;
    } finally {
      await runner.release();
    }
  }

  /**
   * The outbox statements, and a NOTIFY for other instances' relays when no relay runs here (a NOTIFY in every
   * commit would stop commits from grouping; the local relay is handed the new rows after commit).
   */
  private withNotice(outbox: Array<[string, unknown[]]>): Array<[string, unknown[]]> {
    if (outbox.length === 0 || this.relay.isRunning()) return outbox;
    return [...outbox, [`SELECT pg_notify($1, '')`, [OUTBOX_NOTIFY_CHANNEL]]];
  }

  /**
   * Runs `work` in one transaction that every {@link run} inside it joins: all of it commits, with
   * its events, or none of it. Not retried (the work may consume a stream).
   */
  async atomically<T>(work: () => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction((manager) => this.ambient.run(manager, work));
    this.relay.kick();
    return result;
  }
}
