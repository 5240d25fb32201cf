import { AsyncLocalStorage } from 'node:async_hooks';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';

interface Snapshot {
  manager: EntityManager;
  /** Queries of one snapshot share its connection: one at a time, in the order they were asked. */
  tail: Promise<unknown>;
}

/**
 * Every query a report makes goes through here. Inside {@link snapshot} they all read one database snapshot,
 * so a report that sums several counters in parallel cannot mix states before and after a consumer commit
 * (the overview once showed a student counted and the program she enrolled in not yet open).
 */
@Injectable()
export class ReportReader {
  private readonly ambient = new AsyncLocalStorage<Snapshot>();

  constructor(private readonly dataSource: DataSource) {}

  query<T>(sql: string, params: unknown[]): Promise<T> {
    const s = this.ambient.getStore();
    if (!s) return this.dataSource.query<T>(sql, params);
    const result = s.tail.then(() => s.manager.query<T>(sql, params));
    s.tail = result.catch(() => undefined);
    return result;
  }

  /** Runs `work` with every query of this reader in one read-only REPEATABLE READ transaction. */
  async snapshot<T>(work: () => Promise<T>): Promise<T> {
    // One statement opens it (TypeORM's transaction() would send the isolation level and READ ONLY apart).
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await this.ambient.run({ manager: runner.manager, tail: Promise.resolve() }, work);
      await runner.query('COMMIT');
      return result;
    } catch (e) {
      await runner.query('ROLLBACK').catch(() => undefined);
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
