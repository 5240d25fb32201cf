import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CloudEvent } from '@chanjiao/contracts';
import { appendToOutbox, OUTBOX_NOTIFY_CHANNEL, OutboxRelay, outboxStatements } from '@chanjiao/messaging';
import { isLostRace, SqlTextClient } from '@chanjiao/persistence';
import { WriteTransaction } from './write-transaction';

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
      // The enclosing transaction kicks the relay (with no ids: it scans) once it commits.
      if (events.length > 0) await this.append(outer, events);
      return result;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const { result, outboxIds } = await this.transaction(work);
        if (outboxIds.length > 0) this.relay.kick(outboxIds);
        return result;
      } catch (e) {
        // Two writers raced for the same new id: run again, the loser now sees the winner's row.
        if (attempt < 3 && isLostRace(e, { uniqueViolation: true })) continue;
        throw e;
      }
    }
  }

  /**
   * One transaction in few round trips (see WriteTransaction): the outbox rows (and a NOTIFY, when no local
   * relay runs) go with COMMIT, so a write is acknowledged only with its outbox rows committed.
   */
  private async transaction<T>(
    work: (manager: EntityManager) => Promise<{ result: T; events: CloudEvent[] }>,
  ): Promise<{ result: T; outboxIds: string[] }> {
    const runner = this.dataSource.createQueryRunner();
    const tx = new WriteTransaction((await runner.connect()) as SqlTextClient, runner.manager.query.bind(runner.manager));
    // This runner's own manager (made for it): the work's queries all go through the transaction.
    const manager = runner.manager;
    manager.query = ((sql: string, params?: unknown[]) => tx.query(sql, params)) as EntityManager['query'];
    try {
      const { result, events } = await work(manager);
      const outbox = outboxStatements(events);
      const notify: Array<[string, unknown[]]> =
        outbox.length && !this.relay.isRunning() ? [[`SELECT pg_notify($1, '')`, [OUTBOX_NOTIFY_CHANNEL]]] : [];
      const rows = await tx.commit([...outbox, ...notify]);
      const outboxIds = (rows ?? []).slice(0, outbox.length).flatMap((r) => (r as Array<{ id: string }>).map((x) => x.id));
      return { result, outboxIds };
    } catch (e) {
      await tx.rollback();
      throw e;
    } finally {
      await runner.release();
    }
  }

  /**
   * Outbox rows in the caller's transaction; their ids go to the local relay after commit. Only when it is
   * not running is a NOTIFY sent, for other instances' relays (a NOTIFY in every commit would stop
   * commits from grouping).
   */
  private async append(manager: EntityManager, events: CloudEvent[]): Promise<string[]> {
    const ids = await appendToOutbox(manager, events);
    if (!this.relay.isRunning()) await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_NOTIFY_CHANNEL]);
    return ids;
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
