import { AsyncLocalStorage } from 'node:async_hooks';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { PgClient, StatementsTogether } from '@chanjiao/persistence';

const BEGIN = 'START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY';

/**
 * Every query a report makes goes through here. Inside {@link snapshot} they all read one database snapshot,
 * so a report that sums several counters in parallel cannot mix states before and after a consumer commit
 * (the overview once showed a student counted and the program she enrolled in not yet open).
 *
 * A snapshot's queries share one connection, and those asked for together go in one round trip, pipelined
 * (see `sendTogether`; the overview's dozen sums took a dozen round trips, each 2–4 ms under load on a
 * 2-core box). The transaction opens in the first of them.
 */
@Injectable()
export class ReportReader {
  private readonly ambient = new AsyncLocalStorage<StatementsTogether>();

  constructor(private readonly dataSource: DataSource) {}

  query<T>(sql: string, params: unknown[]): Promise<T> {
    const s = this.ambient.getStore();
    return (s ? s.query(sql, params) : this.dataSource.query<T>(sql, params)) as Promise<T>;
  }

  /** Runs `work` with every query of this reader in one read-only REPEATABLE READ transaction. */
  async snapshot<T>(work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const s = new StatementsTogether((await runner.connect()) as PgClient, { begin: BEGIN });
    try {
      const result = await this.ambient.run(s, work);
      await s.commit();
      return result;
    } catch (e) {
      await s.rollback();
      throw e;
    } finally {
      await runner.release();
    }
  }
}

/** Runs a report route's queries in one snapshot (routes that read several things at once). */
@Injectable()
export class ReportSnapshotInterceptor implements NestInterceptor {
  constructor(private readonly reader: ReportReader) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.reader.snapshot(() => lastValueFrom(next.handle())));
  }
}
