import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isStalePlan, PgClient, StatementsTogether } from '@chanjiao/persistence';

const BEGIN = 'START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY';

/**
 * The figures of the institutions a report is about (one; several, summed, for a bureau) as one database snapshot shows
 * them: what every report query reads through (`institution = ANY($1::text[])`).
 */
export interface ReportSource {
  readonly institutions: readonly string[];
  query<T>(sql: string, params: unknown[]): Promise<T>;
}

/**
 * Opens the snapshots reports read. Inside one, a report's parallel sums cannot mix states before and after a
 * consumer commit (the overview once showed a student counted and the program she enrolled in not yet open).
 *
 * A snapshot's queries share one connection, and those asked for together go in one round trip, pipelined
 * (see `sendTogether`; the overview's dozen sums took a dozen round trips, each 2–4 ms under load on a
 * 2-core box). The transaction opens in the first of them.
 *
 * The snapshot is handed to the work, not found through an AsyncLocalStorage: once one is in use, every promise
 * in the process pays for its hooks (11 % of reporting's busy time under read load, 3 % while ingesting).
 */
@Injectable()
export class ReportReader {
  constructor(private readonly dataSource: DataSource) {}

  /** The newest committed state, each query on its own (no snapshot). */
  latest(institutions: readonly string[]): ReportSource {
    return { institutions, query: <T>(sql: string, params: unknown[]) => this.dataSource.query<T>(sql, params) };
  }

  /**
   * Runs `work` with its queries in one read-only REPEATABLE READ transaction; once more if a migration changed what
   * one of its prepared statements returns (the second time they are parsed anew).
   */
  async snapshot<T>(institutions: readonly string[], work: (source: ReportSource) => Promise<T>): Promise<T> {
    try {
      return await this.snapshotOnce(institutions, work);
    } catch (e) {
      if (!isStalePlan(e)) throw e;
      return await this.snapshotOnce(institutions, work);
    }
  }

  /** Every institution the reporting database has applied events of (`all` with a key bound to `*`), in order. */
  async knownInstitutions(): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ institution: string }>>(`SELECT institution FROM freshness ORDER BY institution`);
    return rows.map((r) => r.institution);
  }

  private async snapshotOnce<T>(institutions: readonly string[], work: (source: ReportSource) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const s = new StatementsTogether((await runner.connect()) as PgClient, { begin: BEGIN });
    try {
      const result = await work({ institutions, query: <R>(sql: string, params: unknown[]) => s.query(sql, params) as Promise<R> });
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
