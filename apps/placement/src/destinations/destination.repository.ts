import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { DestinationVersion } from '@chanjiao/contracts';
import { EntityTable } from '@chanjiao/persistence';
import { DestinationVersionEntity } from './destination.entity';

/** Every version of every graduate's destination, keyed by (institution, student_id, version); `recorded_at` its default. */
export const destinationTable = new EntityTable<DestinationVersion>(DestinationVersionEntity, { key: ['studentId', 'version'] });

@Injectable()
export class DestinationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every version of a student's destination, oldest first. */
  history(institution: string, studentId: string): Promise<DestinationVersion[]> {
    return destinationTable.list(this.dataSource, institution, 'student_id = $2', [studentId]);
  }

  /**
   * The latest version per student. No row lock is needed: two writers that both append the same
   * next version collide on the primary key, and the loser's transaction is retried (WriteUnitOfWork).
   */
  async latestMany(m: EntityManager, institution: string, studentIds: string[]): Promise<Map<string, DestinationVersion>> {
    const rows = await destinationTable.under(m, institution, studentIds, 'ORDER BY version DESC LIMIT 1');
    return new Map(rows.map((r) => [r.studentId, r]));
  }

  /** Appends versions (plain INSERTs: versions are never rewritten). */
  append(m: EntityManager, institution: string, versions: DestinationVersion[]): Promise<void> {
    return destinationTable.saveMany(m, institution, versions, []);
  }
}
