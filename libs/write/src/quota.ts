import type { EntityManager } from 'typeorm';
import { type Decision, DomainError } from '@chanjiao/domain';

/**
 * A per-institution limit on how many records of a kind may exist, where a count must stay sane for the lists and
 * reports that read them (issue 27: one writer must not be able to make every report of its institution unbounded).
 * Set by env (`MAX_<WHAT>_PER_INSTITUTION`, see serviceEnvSchema); checked in the writing transaction, so concurrent creators can pass it by
 * at most what they create together.
 */
export class Quota {
  constructor(
    /** The env variable that sets it, named in the error: `MAX_PROGRAMS_PER_INSTITUTION`. */
    readonly name: string,
    /** What is counted, as a user reads it: `['专业', 'programs']`. */
    private readonly what: readonly [zh: string, en: string],
    readonly max: number,
    /** The table of those records, keyed by institution first. */
    private readonly table: string,
  ) {}

  /**
   * How many more records the institution may create in this transaction; `admit(decision)` answers each decision in
   * order: as it is while there is room or it creates nothing, else rejected with the quota's error (nothing of it is written).
   */
  async room(m: EntityManager, institution: string): Promise<{ admit: <S, E>(d: Decision<S, E>) => Decision<S, E> }> {
    const [row] = await m.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ${this.table} WHERE institution = $1`, [institution]);
    let left = this.max - (row?.n ?? 0);
    return {
      admit: (d) => {
        if (!d.ok || d.outcome !== 'created') return d;
        if (left <= 0) return { ok: false, error: this.exceeded() };
        left--;
        return d;
      },
    };
  }

  exceeded(): DomainError {
    const [zh, en] = this.what;
    return new DomainError(
      'conflict',
      'quota_exceeded',
      `已达每个院校${zh}数量上限 ${this.max}（${this.name}），未写入 / the institution already has the most ${en} ${this.name} allows (${this.max}); nothing was written`,
    );
  }
}
